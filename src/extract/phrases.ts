/**
 * The words meeting invitations use, in the languages Zoom, Teams and Webex
 * print them in (catalogue §2.1, §2.3, §2.4, §4). Regex sources, combined by
 * `text-ids.ts`; kept apart so that a new language is a data change.
 *
 * Written without the `u` flag: accented letters are listed as classes
 * (`reuni[oó]n`) because posters often drop the accents.
 */

/** Platform names that may stand in front of an id label ("Zoom meeting ID", "Webex meeting number"). */
export const PLATFORM_PREFIX = String.raw`(?:zoom|microsoft\s+teams|ms\s+teams|teams|webex|goto\s*meeting|goto|bluejeans|chime|ringcentral|lifesize|zoho|tencent|voov)`;

/**
 * Labels in front of a numeric meeting id. Longest forms first: the Webex
 * "Meeting number (access code)" must win over the Zoom passcode label
 * "código de acceso" inside the Spanish version of it.
 */
export const ID_LABELS: readonly string[] = [
  // English (Zoom, Teams, Webex, GoTo, RingCentral)
  String.raw`(?:meeting|webinar|mtg)[\s-]*(?:number|num\.?|no\.?|#)\s*\(\s*access\s+code\s*\)`,
  String.raw`(?:personal\s+)?(?:meeting|webinar|mtg)[\s_-]*(?:id|i\.d\.|number|num\.?|no\.|#)`,
  String.raw`access\s+code\s*\/\s*meeting\s+id`,
  String.raw`access\s+code`,
  // Spanish
  String.raw`n[uú]mero\s+de\s+(?:la\s+)?reuni[oó]n(?:\s*\(\s*c[oó]digo\s+de\s+acceso\s*\))?`,
  String.raw`(?:id|identificador)\.?\s+de(?:l)?\s+(?:la\s+)?(?:reuni[oó]n|seminario\s+web|webinar)`,
  // French
  String.raw`num[ée]ro\s+de\s+(?:la\s+)?r[ée]union(?:\s*\(\s*code\s+d['’]acc[eè]s\s*\))?`,
  String.raw`(?:id|identifiant)\.?\s+(?:de\s+(?:la\s+)?r[ée]union|du\s+webinaire|de\s+webinaire)`,
  // Portuguese
  String.raw`n[uú]mero\s+d[ae]\s+reuni[aã]o(?:\s*\(\s*c[oó]digo\s+de\s+acesso\s*\))?`,
  String.raw`(?:id|identificador)\.?\s+(?:d[aeo]\s+)?(?:reuni[aã]o|webin[aá]rio|webinar)`,
  // Italian
  String.raw`numero\s+(?:della\s+)?riunione(?:\s*\(\s*codice\s+(?:di\s+|d['’])accesso\s*\))?`,
  String.raw`id\.?\s+(?:della\s+)?riunione|id\.?\s+(?:del\s+)?webinar|id\s+meeting`,
  // German
  String.raw`(?:meeting|besprechungs|sitzungs|webinar)[\s-]*(?:kenn)?nummer(?:\s*\(\s*zugriffscode\s*\))?`,
  String.raw`(?:besprechungs|sitzungs|webinar|vergadering|vergader)[\s-]*id`,
  // Polish, Turkish, Russian, Japanese, Chinese, Korean
  String.raw`identyfikator\s+spotkania|id\s+spotkania|toplant[ıi]\s+kimli[ğg]i`,
  String.raw`идентификатор\s+(?:конференции|встречи|собрания)|(?:id|ид)\s+(?:конференции|собрания)`,
  String.raw`номер\s+(?:совещания|конференции|встречи)(?:\s*\(\s*код\s+доступа\s*\))?`,
  String.raw`vergadernummer(?:\s*\(\s*toegangscode\s*\))?`,
  String.raw`ミーティング\s*番号(?:\s*\(\s*アクセス\s*コード\s*\))?|미팅\s*번호(?:\s*\(\s*액세스\s*코드\s*\))?|모임\s*id`,
  String.raw`ミーティング\s*id|会議\s*id|会议\s*id|會議\s*id|会议号|會議號|腾讯会议|騰訊會議|회의\s*id`,
  String.raw`معرف\s+(?:الاجتماع|الاجتماعات)|رقم\s+الاجتماع|معرّف\s+الاجتماع`,
];

/**
 * Labels in front of a passcode. The weak ones ("pass", "pw", "pin", "clave")
 * are also ordinary words, so they count only when the value has a digit.
 */
export const PASSCODE_LABELS: readonly string[] = [
  // Italian, before the English "password"
  String.raw`codice\s+(?:d['’]accesso|di\s+accesso|segreto)|password\s+(?:della\s+)?riunione`,
  // The passcode for joining by phone, where it differs from the meeting's own (RingCentral's dial-in password)
  String.raw`password\s+if\s+joining\s+from\s+a\s+phone|numeric\s+pass(?:code|word)|phone\s+pass(?:code|word)|dial[\s-]*in\s+pass(?:code|word)|audio\s+pass(?:code|word)`,
  String.raw`(?:meeting\s+|participant\s+|webinar\s+|attendee\s+|zoom\s+|room\s+)?(?:pass\s*code|pass\s*word|passwd|pwd|pswd|psw|pass\s*key)`,
  // Spanish, Portuguese
  String.raw`c[oó]digo\s+de\s+ac(?:ceso|esso)|contrase[nñ]a(?:\s+de\s+(?:la\s+)?reuni[oó]n)?|clave(?:\s+de\s+acceso)?|senha\s+de\s+acesso|senha(?:\s+d[ae]\s+reuni[aã]o)?`,
  // French
  String.raw`code\s+secret(?:\s+num[ée]rique)?|mot\s+de\s+passe(?:\s+de\s+(?:la\s+)?r[ée]union)?|code\s+d['’]acc[eè]s`,
  // German, Dutch
  String.raw`(?:numerischer\s+)?kenncode|(?:meeting-|besprechungs)?passwort|kennwort|zugangscode|wachtwoordcode|wachtwoord|vergaderwachtwoord|toegangscode`,
  // Polish, Turkish, Russian, Japanese, Chinese, Korean, Arabic
  String.raw`kod\s+dost[eę]pu|has[lł]o|[şs]ifre|parola|ge[çc]i[şs]\s+kodu|пароль(?:\s+(?:совещания|конференции|встречи))?|код\s+доступа|секретный\s+код|パスコード|パスワード|会议密码|会議密码|密码|密碼|口令|암호|비밀번호|رمز\s+المرور|كلمة\s+(?:المرور|السر)|رمز\s+الدخول`,
  // Informal: "pw 1234", "pass: abc"; `code` and `key` only right after an id ("zoom 845… key abc123")
  String.raw`pass|pw|p\/w|mdp|pin|code|key`,
];

/** Labels of the phone passcode: taken only when the meeting's own passcode is not given too. */
export const PHONE_PASSCODE_LABEL = /^(?:password\s+if|numeric|phone|dial|audio)/i;

/** Labels that are a passcode only right after a meeting id: elsewhere they are ordinary words. */
export const NEAR_ONLY_PASSCODE_LABEL = /^(?:code|key)$/i;

/** Passcode labels that are also plain words. */
export const WEAK_PASSCODE_LABEL = /^(?:pass|pw|p\/w|mdp|pin|clave|code|key)$/i;

/**
 * Words around a numeric id that name its platform, nearest first wins.
 * `teams` only counts capitalised or after "Microsoft"/"MS": "all teams" is
 * not Microsoft Teams. Hashtags count too (`#zoom`), the verb "zoom in" not.
 */
export const PLATFORM_WORDS: readonly { platform: string; pattern: string; flags?: string }[] = [
  { platform: 'teams', pattern: String.raw`\b(?:microsoft|ms)\s*teams\b|\bTeams\b|teams\.(?:microsoft|live)`, flags: '' },
  { platform: 'zoom', pattern: String.raw`\bzoom(?!\s+(?:in|out|into|level|lens)\b)(?:gov|us|crc)?\b` },
  { platform: 'webex', pattern: String.raw`\bwebex\b` },
  { platform: 'goto', pattern: String.raw`\bgoto\s*(?:meeting|\.com)?\b|gotomeet` },
  { platform: 'bluejeans', pattern: String.raw`\bblue\s*jeans\b` },
  { platform: 'chime', pattern: String.raw`\bamazon\s+chime\b|\bchime\.aws\b` },
  { platform: 'ringcentral', pattern: String.raw`\bringcentral\b` },
  { platform: 'lifesize', pattern: String.raw`\blifesize\b` },
  { platform: 'zoho', pattern: String.raw`\bzoho\b` },
  { platform: 'tencent', pattern: String.raw`腾讯会议|騰訊會議|\btencent\b|\bvoov\b` },
  { platform: 'google-meet', pattern: String.raw`\bgoogle\s*meet\b|\bmeet\.google\b` },
];

/** Meet codes are only taken from text when one of these stands close before them. */
export const MEET_CODE_LABEL = String.raw`google\s*meet|gmeet|meet\s+(?:code|link|id)|meeting\s+code|c[oó]digo\s+(?:de\s+(?:la\s+)?reuni[oó]n|da\s+reuni[aã]o)|code\s+de\s+(?:la\s+)?r[ée]union|codice\s+(?:della\s+)?riunione|besprechungscode|meet\s*[:：]`;
