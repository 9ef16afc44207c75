/**
 * Invitations in the languages Zoom, Teams and Webex print them in: the
 * meeting-id and passcode labels of each, as the clients write them (accents,
 * full-width colons, right-to-left scripts). Ids and passcodes are made up.
 */
import type { Case, ExpectedRef } from './case.js';

const zoom = (passcode = '662810'): ExpectedRef => ({ platform: 'zoom', meetingId: '84512397260', passcode });
const teams = (passcode = 'yR9Ui2'): ExpectedRef => ({ platform: 'teams', meetingId: '288406938291', passcode });
const webex = (passcode: string): ExpectedRef => ({ platform: 'webex', meetingId: '26319047718', passcode });

/** [language, the Zoom invitation's lines] */
const ZOOM_INVITATIONS: [string, string][] = [
  ['English', 'Meeting ID: 845 1239 7260\nPasscode: 662810'],
  ['Spanish', 'ID de reunión: 845 1239 7260\nCódigo de acceso: 662810'],
  ['Spanish without accents', 'ID de reunion: 845 1239 7260\nCodigo de acceso: 662810'],
  ['French', 'ID de réunion : 845 1239 7260\nCode secret : 662810'],
  ['German', 'Meeting-ID: 845 1239 7260\nKenncode: 662810'],
  ['Portuguese', 'ID da reunião: 845 1239 7260\nSenha de acesso: 662810'],
  ['Portuguese, short label', 'ID da reunião: 845 1239 7260\nSenha: 662810'],
  ['Italian', 'ID riunione: 845 1239 7260\nPasscode: 662810'],
  ['Italian, codice', 'ID riunione: 845 1239 7260\nCodice d’accesso: 662810'],
  ['Dutch', 'Vergadering-ID: 845 1239 7260\nToegangscode: 662810'],
  ['Dutch, wachtwoordcode', 'Meeting-ID: 845 1239 7260\nWachtwoordcode: 662810'],
  ['Polish', 'Identyfikator spotkania: 845 1239 7260\nKod dostępu: 662810'],
  ['Polish, hasło', 'ID spotkania: 845 1239 7260\nHasło: 662810'],
  ['Turkish', 'Toplantı Kimliği: 845 1239 7260\nParola: 662810'],
  ['Turkish, şifre', 'Toplantı Kimliği: 845 1239 7260\nŞifre: 662810'],
  ['Japanese', 'ミーティングID: 845 1239 7260\nパスコード: 662810'],
  ['Japanese, full-width colon', 'ミーティング ID：845 1239 7260\nパスコード：662810'],
  ['Korean', '회의 ID: 845 1239 7260\n암호: 662810'],
  ['Korean, 비밀번호', '회의 ID: 845 1239 7260\n비밀번호: 662810'],
  ['Russian', 'Идентификатор конференции: 845 1239 7260\nКод доступа: 662810'],
  ['Russian, пароль', 'Идентификатор конференции: 845 1239 7260\nПароль: 662810'],
  ['Chinese (simplified)', '会议号：845 1239 7260\n密码：662810'],
  ['Chinese, 会议 ID', '会议 ID: 845 1239 7260\n会议密码: 662810'],
  ['Chinese (traditional)', '會議 ID：845 1239 7260\n密碼：662810'],
  ['Arabic', 'معرف الاجتماع: 845 1239 7260\nرمز المرور: 662810'],
  ['Arabic, كلمة المرور', 'معرّف الاجتماع: 845 1239 7260\nكلمة المرور: 662810'],
];

/** [language, the Teams invitation's lines] */
const TEAMS_INVITATIONS: [string, string][] = [
  ['English', 'Microsoft Teams meeting\nMeeting ID: 288 406 938 291\nPasscode: yR9Ui2'],
  ['Spanish', 'Reunión de Microsoft Teams\nId. de reunión: 288 406 938 291\nCódigo de acceso: yR9Ui2'],
  ['French', 'Réunion Microsoft Teams\nID de réunion : 288 406 938 291\nCode secret : yR9Ui2'],
  ['German', 'Microsoft Teams-Besprechung\nBesprechungs-ID: 288 406 938 291\nKenncode: yR9Ui2'],
  ['Portuguese', 'Reunião do Microsoft Teams\nID da Reunião: 288 406 938 291\nSenha: yR9Ui2'],
  ['Italian', 'Riunione di Microsoft Teams\nID riunione: 288 406 938 291\nPasscode: yR9Ui2'],
  ['Dutch', 'Microsoft Teams-vergadering\nVergadering-ID: 288 406 938 291\nWachtwoordcode: yR9Ui2'],
  ['Polish', 'Spotkanie w aplikacji Microsoft Teams\nIdentyfikator spotkania: 288 406 938 291\nKod dostępu: yR9Ui2'],
  ['Turkish', 'Microsoft Teams toplantısı\nToplantı Kimliği: 288 406 938 291\nGeçiş Kodu: yR9Ui2'],
  ['Japanese', 'Microsoft Teams 会議\n会議 ID: 288 406 938 291\nパスコード: yR9Ui2'],
  ['Korean', 'Microsoft Teams 모임\n모임 ID: 288 406 938 291\n암호: yR9Ui2'],
  ['Russian', 'Собрание в Microsoft Teams\nИдентификатор собрания: 288 406 938 291\nСекретный код: yR9Ui2'],
  ['Chinese', 'Microsoft Teams 会议\n会议 ID: 288 406 938 291\n密码: yR9Ui2'],
  ['Arabic', 'اجتماع Microsoft Teams\nمعرف الاجتماع: 288 406 938 291\nرمز المرور: yR9Ui2'],
];

/** [language, the Webex invitation's lines] */
const WEBEX_INVITATIONS: [string, string, string][] = [
  ['English', 'Meeting number (access code): 2631 904 7718\nMeeting password: Bio2024', 'Bio2024'],
  ['Spanish', 'Número de reunión (código de acceso): 2631 904 7718\nContraseña de la reunión: Bio2024', 'Bio2024'],
  ['French', "Numéro de réunion (code d'accès) : 2631 904 7718\nMot de passe de la réunion : Bio2024", 'Bio2024'],
  ['German', 'Meeting-Kennnummer (Zugriffscode): 2631 904 7718\nMeeting-Passwort: Bio2024', 'Bio2024'],
  ['Portuguese', 'Número da reunião (código de acesso): 2631 904 7718\nSenha da reunião: Bio2024', 'Bio2024'],
  ['Italian', 'Numero riunione (codice di accesso): 2631 904 7718\nPassword riunione: Bio2024', 'Bio2024'],
  ['Dutch', 'Vergadernummer (toegangscode): 2631 904 7718\nVergaderwachtwoord: Bio2024', 'Bio2024'],
  ['Japanese', 'ミーティング番号 (アクセス コード): 2631 904 7718\nミーティング パスワード: Bio2024', 'Bio2024'],
  ['Chinese', '会议号（访问码）：2631 904 7718\n会议密码：Bio2024', 'Bio2024'],
  ['Korean', '미팅 번호(액세스 코드): 2631 904 7718\n미팅 비밀번호: Bio2024', 'Bio2024'],
  ['Russian', 'Номер совещания (код доступа): 2631 904 7718\nПароль совещания: Bio2024', 'Bio2024'],
];

export const languageCases: Case[] = [
  ...ZOOM_INVITATIONS.map(([language, lines]): Case => ({ name: `Zoom invitation in ${language}`, text: `Zoom\n${lines}`, expect: [zoom()] })),
  ...ZOOM_INVITATIONS.map(([language, lines]): Case => ({ name: `Zoom invitation in ${language}, after its link`, text: `https://us02web.zoom.us/j/84512397260\n\n${lines}`, expect: [zoom()] })),
  ...TEAMS_INVITATIONS.map(([language, lines]): Case => ({ name: `Teams invitation in ${language}`, text: lines, expect: [teams()] })),
  ...WEBEX_INVITATIONS.map(([language, lines, passcode]): Case => ({ name: `Webex invitation in ${language}`, text: `Webex\n${lines}`, expect: [webex(passcode)] })),
];
