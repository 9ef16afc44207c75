/**
 * The HTML shell of every page leakwatch serves, and the few pieces pages are
 * built from. Everything a person or a post wrote is escaped with
 * {@link escapeHtml} where it is put into the markup; styles come from
 * `/static/app.css` (the Content-Security-Policy allows no inline style or
 * script).
 */
import { escapeHtml } from '../notify/html.js';

export { escapeHtml };

/** What the header of a signed-in page shows. */
export interface PageChrome {
  /** The signed-in address. */
  email: string;
  /** The session's token against cross-site requests, for the sign-out form. */
  csrf: string;
}

/** A whole HTML document. `body` is markup already escaped. */
export function page(title: string, body: string, chrome?: PageChrome): string {
  const header = chrome
    ? `<header class="bar"><a class="brand" href="/">leakwatch</a><span class="who">${escapeHtml(chrome.email)}</span>
<form method="post" action="/sign-out" class="inline">${csrfField(chrome.csrf)}<button type="submit" class="link">Sign out</button></form></header>`
    : '<p class="brand">leakwatch</p>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · leakwatch</title><link rel="stylesheet" href="/static/app.css"></head>
<body><main class="${chrome ? 'wide' : 'narrow'}">
${header}
<h1>${escapeHtml(title)}</h1>
${body}
</main></body></html>`;
}

/** The hidden field every POST form of a signed-in page carries. */
export function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}

/** One paragraph of plain text. */
export function paragraph(text: string, className?: string): string {
  return `<p${className ? ` class="${className}"` : ''}>${escapeHtml(text)}</p>`;
}

/**
 * A table; `cells` are markup already escaped. A heading `{ hidden }` names
 * a column of buttons for screen readers only: sighted people see the buttons.
 */
export function table(headings: (string | { hidden: string })[], rows: string[][]): string {
  const head = headings.map((h) => `<th scope="col">${typeof h === 'string' ? escapeHtml(h) : `<span class="visually-hidden">${escapeHtml(h.hidden)}</span>`}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  // A table wider than a phone scrolls sideways in its box, which the keyboard can reach (tabindex) to scroll it too.
  return `<div class="scroll" tabindex="0"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}
