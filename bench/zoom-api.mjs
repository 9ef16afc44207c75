// A Zoom-shaped API for `npm run bench:connect`, in its own process so the
// importer has a core of its own: the Server-to-Server OAuth token endpoint,
// users and each user's meetings paged by next_page_token (300 a page, as
// Zoom's maximum), and the meeting detail with its passcode and recurrence.
// With BENCH_RATE_LIMITS=1 it enforces the documented per-second limits of
// a Business or Education account, per request category (Light 80/s: Get a
// meeting; Medium 60/s: List users, List meetings), answering 429 without
// Retry-After as Zoom does for per-second limits.
// Prints its port on the first line of stdout, then serves until killed.
import { createServer } from 'node:http';

const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const PER_USER = Number(process.env.BENCH_MEETINGS_PER_USER ?? 20);
const LIMITED = process.env.BENCH_RATE_LIMITS === '1';
const LIMITS = { light: 80, medium: 60 };
const PAGE = 300;
const TOKEN = 'bench-access-token';

const windows = { light: { second: 0, used: 0 }, medium: { second: 0, used: 0 } };
let requests = 0;
let limited = 0;
function allowed(category) {
  if (!LIMITED) return true;
  const second = Math.floor(Date.now() / 1000);
  const window = windows[category];
  if (window.second !== second) {
    window.second = second;
    window.used = 0;
  }
  if (window.used >= LIMITS[category]) return false;
  window.used++;
  return true;
}

const userId = (i) => `user-${i}`;
const meetingNumber = (user, n) => 81_000_000_000 + user * 100 + n;
function detail(id) {
  const user = Math.floor((id - 81_000_000_000) / 100);
  const n = (id - 81_000_000_000) % 100;
  const recurring = n % 4 === 0;
  return {
    uuid: `uuid${id}==`,
    id,
    host_id: userId(user),
    host_email: `teacher${user}@bench-school.example`,
    topic: `Class ${n} of teacher ${user}`,
    type: recurring ? 8 : 2,
    start_time: '2026-12-07T09:00:00Z',
    duration: 45,
    timezone: 'Europe/London',
    join_url: `https://benchschool.zoom.us/j/${id}?pwd=Pw${id.toString(36)}Zz.1`,
    password: `${(id % 1_000_000).toString().padStart(6, '0')}`,
    ...(recurring ? { recurrence: { type: 2, repeat_interval: 1, weekly_days: '2,4', end_date_time: '2027-07-15T08:00:00Z' } } : {}),
    settings: { waiting_room: false },
  };
}

function json(response, status, body) {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

const server = createServer((request, response) => {
  requests++;
  request.resume();
  const url = new URL(request.url, 'http://zoom.bench');
  if (url.pathname === '/oauth/token') return json(response, 200, { access_token: TOKEN, token_type: 'bearer', expires_in: 3599, scope: 'user:read:list_users:admin meeting:read:list_meetings:admin meeting:read:meeting:admin' });
  if (request.headers.authorization !== `Bearer ${TOKEN}`) return json(response, 401, { code: 124, message: 'Invalid access token.' });
  if (url.pathname === '/bench/stats') return json(response, 200, { requests, limited });
  let match;
  const category = /^\/v2\/meetings\/\d+$/.test(url.pathname) ? 'light' : 'medium';
  if (!allowed(category)) {
    limited++;
    return json(response, 429, { code: 429, message: 'You have reached the maximum per-second rate limit for this API. Try again later.' });
  }
  if (url.pathname === '/v2/users') {
    const start = Number(url.searchParams.get('next_page_token') || 0);
    const users = [];
    for (let i = start; i < Math.min(USERS, start + PAGE); i++) users.push({ id: userId(i), email: `teacher${i}@bench-school.example`, first_name: 'T', last_name: String(i), type: 2, status: 'active' });
    return json(response, 200, { page_size: PAGE, total_records: USERS, next_page_token: start + PAGE < USERS ? String(start + PAGE) : '', users });
  }
  if ((match = /^\/v2\/users\/user-(\d+)\/meetings$/.exec(url.pathname))) {
    const user = Number(match[1]);
    const meetings = [];
    for (let n = 0; n < PER_USER; n++) {
      const { password: _hidden, recurrence: _rule, settings: _settings, ...listed } = detail(meetingNumber(user, n));
      meetings.push(listed);
    }
    return json(response, 200, { page_size: PAGE, total_records: PER_USER, next_page_token: '', meetings });
  }
  if ((match = /^\/v2\/meetings\/(\d+)$/.exec(url.pathname))) return json(response, 200, detail(Number(match[1])));
  json(response, 404, { code: 300, message: 'not found' });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
