// The footnoted page: ask a question, see the answer inside its passage, the ranked passages with
// their footnotes, and the whole source with any cited span highlighted.
//
// Every piece of document text reaches the page through textContent / text nodes, never innerHTML,
// so a document containing markup is shown as text and can never run.
"use strict";

const $ = (id) => document.getElementById(id);
const KEY_STORAGE = "footnoted.apiKey";
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
// Before a raised 2 or 3, what makes it a power and not a marker, as the index reads it: a unit of
// length after a number ("340 km²", "4.2 million m³") or a bare 10 ("10³ litres").
const POWER_OF = "\\d[\\d.,]*[ \\u00a0]?(?:(?:thousand|million|billion)[ \\u00a0])?(?:[kcmdµ]?m|ft|yd|mi|in)|(?<![\\d.,])10";

// The question in flight and the source being loaded, each an AbortController: asking another
// question (or going back to the start page) aborts the one in flight, opening or closing the
// source view aborts the load in flight, so a late answer or error never covers a newer one.
let asking = null;
let viewing = null;
const retries = []; // what to run again once an API key has been given

// ---------------------------------------------------------------------------------------------
// Talking to the API

class ApiError extends Error {
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

async function api(path, { body, signal } = {}) {
  const headers = { Accept: "application/json" };
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method: body ? "POST" : "GET", headers, body: body && JSON.stringify(body), signal });
  } catch (err) {
    throw new ApiError(0, "network", `Could not reach the server (${err.message}).`);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.request_id);
  }
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilReady() {
  for (let tries = 0; tries < 300; tries++) {
    await sleep(1000);
    try {
      if ((await fetch("/readyz")).ok) return;
    } catch {
      // the server may be restarting; keep polling
    }
  }
  throw new ApiError(503, "not_ready", "The index did not become ready; check the server's log.");
}

// Runs an API action, recovering where the user or time can fix the problem: a missing key
// (ask for one, then run it again) or an index still loading (wait for /readyz, then run it
// again). Any other error is shown. An action that `signal` says is outdated (aborted) fails
// silently, as its result would be dropped. True when the action succeeded.
async function run(action, signal) {
  const outdated = () => Boolean(signal && signal.aborted);
  try {
    await action();
    return true;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (outdated()) return false;
    if (err.status === 401 || (err.status === 403 && sessionStorage.getItem(KEY_STORAGE))) {
      retries.push(() => !outdated() && run(action, signal));
      askForKey(err.message);
    } else if (err.code === "not_ready") {
      setStatus("The index is still loading; this will continue as soon as it is ready…");
      try {
        await untilReady();
      } catch (timeout) {
        if (!outdated()) showError(timeout);
        return false;
      }
      return !outdated() && run(action, signal);
    } else {
      showError(err);
    }
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Small DOM helpers

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(err) {
  const box = $("error");
  box.replaceChildren(el("strong", "", err.status ? `Error ${err.status}` : "Error"), document.createTextNode(` ${err.message}`));
  if (err.requestId) box.append(el("span", "muted small request-id", `request id ${err.requestId}`));
  box.hidden = false;
  setStatus("");
}

function clearError() {
  $("error").hidden = true;
  $("error").replaceChildren();
}

function askForKey(reason) {
  $("key-reason").textContent = reason || "This server needs an API key.";
  $("key-form").hidden = false;
  $("api-key").focus();
  setStatus("An API key is needed.");
}

const chars = (span) => `chars ${span.start}–${span.end}`;

// The heading path without the document's title at its head: the title is shown beside it.
function headingPath(c) {
  const [head, ...rest] = (c.section || "").split(" › ");
  return head.trim() === (c.title || "").trim() ? rest.join(" › ") : c.section;
}

function citationText(c) {
  const section = headingPath(c);
  return [c.title, section && `§ ${section}`, chars(c)].filter(Boolean).join(" · ");
}

// The same citation as nodes, the span kept on one line. The title and heading come from the
// document, each isolated in a <bdi> so one in Arabic or Hebrew keeps its own direction.
function citation(c) {
  const fragment = document.createDocumentFragment();
  const section = headingPath(c);
  if (c.title) fragment.append(el("bdi", "", c.title), " · ");
  if (section) fragment.append("§ ", el("bdi", "", section), " · ");
  fragment.append(el("span", "nowrap", chars(c)));
  return fragment;
}

const contains = (outer, inner) => outer.start <= inner.start && inner.end <= outer.end;

// ---------------------------------------------------------------------------------------------
// Spans. The API counts offsets in code points (Python); JS strings index UTF-16 units, which
// differ after any character outside the Basic Multilingual Plane (emoji, some math), so every
// offset is converted before slicing.

function utf16Index(text, codePoints) {
  if (!/[\uD800-\uDFFF]/.test(text)) return Math.min(codePoints, text.length);
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) i += text.codePointAt(i) > 0xffff ? 2 : 1;
  return i;
}

const codePoints = (text) => (/[\uD800-\uDFFF]/.test(text) ? [...text].length : text.length);

// A span of the source, [start, end) in code points, as UTF-16 indices into `text`, which
// begins at source offset `base`. Clipped to the text.
function localSpan(text, base, span) {
  const at = (x) => utf16Index(text, Math.max(0, x - base));
  return { start: at(span.start), end: at(span.end) };
}

// Where each note's markers sit in `text` (which begins at source offset `base`), as local spans
// linking to `targetId(note)`: exactly the spans the API lists (`markers: [{start, end}]`, in
// source offsets, so "³⁴" is two markers). A server older than that field sends none, so then
// guess them: every "[3]", "[^3]" or "³" (a note cited twice is marked twice), else a "3" glued to
// the end of a word or sentence ("Russia.3", "treaty. 7"), only the last one, because a "4" in
// "10.4 million" comes before the marker "4" that ends the sentence.
function findMarkers(text, base, notes, targetId) {
  const markers = [];
  for (const note of notes) {
    const href = `#${targetId(note)}`;
    if (Array.isArray(note.markers)) {
      for (const span of note.markers.map((m) => localSpan(text, base, m))) {
        if (span.start < span.end) markers.push({ ...span, label: note.label, href });
      }
      continue;
    }
    const label = note.label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const sure = [`\\[\\^?${label}\\]`];
    const glued = [];
    if (/^\d+$/.test(note.label)) {
      const sup = [...note.label].map((d) => SUPERSCRIPTS[d]).join("");
      const power = note.label === "2" || note.label === "3" ? `(?<!${POWER_OF})` : "";
      sure.push(`${power}(?<![${SUPERSCRIPTS}])${sup}(?![${SUPERSCRIPTS}])`);
      // Glued: after a letter or punctuation (not a digit, space or currency sign), before a space,
      // punctuation or the end, never before a digit ("$1.3 billion" is no marker 1).
      glued.push(`(?<=[^\\s\\d$€£¥])${label}(?=[\\s,;:)”’"]|[.](?!\\d)|$)`, `(?<=[.!?”’"] )${label}(?=\\s|$)`);
    }
    const matches = (forms) => [...text.matchAll(new RegExp(forms.join("|"), "g"))];
    let found = matches(sure);
    if (!found.length && glued.length) found = matches(glued).slice(-1);
    for (const match of found) markers.push({ start: match.index, end: match.index + match[0].length, label: note.label, href });
  }
  return markers;
}

// `text` as DOM nodes, with `mark` (a local span, or null) inside a <mark> and each footnote
// marker as a link to its note. Only text nodes are created from the text itself.
function richText(text, mark, markers = []) {
  const cuts = new Set([0, text.length]);
  const hasMark = mark && mark.start < mark.end;
  if (hasMark) cuts.add(mark.start).add(mark.end);
  for (const m of markers) cuts.add(m.start).add(m.end);
  const points = [...cuts].sort((a, b) => a - b);

  const fragment = document.createDocumentFragment();
  let highlight = null;
  for (let i = 0; i + 1 < points.length; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const piece = text.slice(a, b);
    const marker = markers.find((m) => m.start <= a && b <= m.end);
    // A form feed (a page break in a PDF's text) shows as a line break: one character for one.
    let node = document.createTextNode(piece.replaceAll("\f", "\n"));
    if (marker) {
      node = el("a", "fn-ref", piece);
      node.href = marker.href;
      node.setAttribute("aria-label", `footnote ${marker.label}`);
    }
    if (hasMark && mark.start <= a && b <= mark.end) {
      if (!highlight) fragment.append((highlight = el("mark")));
      highlight.append(node);
    } else {
      highlight = null;
      fragment.append(node);
    }
  }
  return fragment;
}

// ---------------------------------------------------------------------------------------------
// Results

// A note's element id, one per label: each character outside [A-Za-z0-9-] (a "*", "†", a full-width
// "３", "_" itself) is written "_<code point in hex>_", so "*" and "†" (or "a_b" and "a*b") never share one.
const noteId = (prefix, note) =>
  `${prefix}-fn-${note.label.replace(/[^A-Za-z0-9-]/gu, (ch) => `_${ch.codePointAt(0).toString(16)}_`)}`;

function footnoteList(notes, prefix, docId, answer) {
  const list = el("ol", "footnotes");
  list.setAttribute("aria-label", "Footnotes");
  for (const note of notes) {
    const item = el("li", "footnote");
    item.id = noteId(prefix, note);
    const inNote = answer && answer.citation.document_id === docId && contains(note, answer.citation);
    const mark = inNote ? localSpan(note.text, note.start, answer.citation) : null;
    const body = el("span", "footnote-text");
    body.dir = "auto"; // a note in Arabic or Hebrew reads right to left
    body.append(richText(note.text, mark));
    if (note.same_as) body.append(" ", noteLinks("same source as", [note.same_as], note, notes, prefix, docId));
    if (note.refers_to) body.append(" ", noteLinks("see", note.refers_to, note, notes, prefix, docId));
    const meta = el("span", "footnote-meta muted small", chars(note));
    meta.append(sourceButton("view", { document_id: docId, start: note.start, end: note.end }, `footnote ${note.label}`));
    item.append(el("span", "footnote-label", note.label), body, meta);
    list.append(item);
  }
  return list;
}

// A note citing a source through others names them: an "Ibid." the note it repeats ("same source
// as note 7"), "Smith, supra note 12" the notes it points to ("see note 12"). Each is a link when
// that note is listed here too, else a button showing it in the source (the last so labelled
// before, else the first after, as the index resolves it).
function noteLinks(words, labels, note, notes, prefix, docId) {
  const wrap = el("span", "same-as muted small", `(${words} `);
  labels.forEach((label, i) => {
    const target = labelled(notes, label, note.start);
    let ref;
    if (target) {
      ref = el("a", "same-as-link", `note ${label}`);
      ref.href = `#${noteId(prefix, target)}`;
    } else {
      ref = el("button", "link same-as-link", `note ${label}`);
      ref.type = "button";
      ref.setAttribute("aria-label", `View footnote ${label} in the source`);
      const span = { document_id: docId, label, from: note.start };
      ref.addEventListener("click", () => openSource(span, `footnote ${label}`, ref));
    }
    if (i) wrap.append(i === labels.length - 1 ? " and " : ", ");
    wrap.append(ref);
  });
  wrap.append(")");
  return wrap;
}

// The note labelled `label` that a note at `from` means: the last so labelled before, else the first after.
function labelled(notes, label, from) {
  const before = notes.filter((n) => n.label === label && n.start < from);
  return before.length ? before[before.length - 1] : notes.find((n) => n.label === label && n.start > from);
}

function sourceButton(text, span, what) {
  const button = el("button", "link view-source", text);
  button.type = "button";
  button.setAttribute("aria-label", `View ${what} in the source`);
  button.addEventListener("click", () => openSource(span, what, button));
  return button;
}

function copyButton(text, cite) {
  const button = el("button", "link copy", "Copy with citation");
  button.type = "button";
  if (!navigator.clipboard) button.hidden = true; // only in secure contexts (https, localhost)
  button.addEventListener("click", async () => {
    await navigator.clipboard.writeText(`“${text}” (${citationText(cite)})`);
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy with citation"), 1500);
  });
  return button;
}

function answerCard(answer, passages) {
  const c = answer.citation;
  const card = el("section", "answer card");
  const heading = el("h2", "eyebrow", "Answer");
  heading.id = "answer-heading";
  card.setAttribute("aria-labelledby", heading.id);
  card.append(heading);

  // A note that contains the answer is where the answer is, not a note it cites.
  const notes = answer.footnotes.filter((n) => !contains(n, c));
  const quote = el("blockquote", "answer-text");
  quote.dir = "auto";
  quote.append(richText(answer.text, null, findMarkers(answer.text, c.start, notes, (n) => noteId("answer", n))));
  card.append(quote);

  const where = el("p", "cite");
  where.append(citation(c));
  const sameDoc = passages.filter((p) => p.citation.document_id === c.document_id);
  const inPassage = sameDoc.find((p) => contains(p.citation, c));
  const inNote = !inPassage && sameDoc.find((p) => p.footnotes.some((n) => contains(n, c)));
  if (inPassage || inNote) {
    const link = el("a", "", inPassage ? `in passage ${inPassage.rank}` : `in a footnote of passage ${inNote.rank}`);
    const note = inNote && inNote.footnotes.find((n) => contains(n, c));
    link.href = inPassage ? `#passage-${inPassage.rank}` : `#${noteId(`p${inNote.rank}`, note)}`;
    where.append(document.createTextNode(" · "), link);
  } else {
    // Quoted from a note that another cites through "Ibid." or "supra note 12": the passage citing it so.
    const source = answer.footnotes.find((n) => contains(n, c));
    const cites = (n) => n.same_as === source.label || (n.refers_to || []).includes(source.label);
    const repeats = (p) => p.footnotes.find((n) => source && n.start !== source.start && cites(n));
    const via = sameDoc.find(repeats);
    if (via) {
      const repeat = repeats(via);
      const link = el("a", "", `in note ${source.label}, which passage ${via.rank} cites as note ${repeat.label}`);
      link.href = `#${noteId(`p${via.rank}`, repeat)}`;
      where.append(document.createTextNode(" · "), link);
    }
  }
  card.append(where);
  if (notes.length) card.append(footnoteList(notes, "answer", c.document_id, null));

  const actions = el("div", "actions");
  actions.append(sourceButton("View in source", c, "the answer"), copyButton(answer.text, c));
  card.append(actions);
  return card;
}

function passageCard(p, answer) {
  const c = p.citation;
  const card = $("passage-template").content.firstElementChild.cloneNode(true);
  card.id = `passage-${p.rank}`;
  card.setAttribute("aria-label", `Passage ${p.rank}`);
  card.querySelector(".rank").textContent = p.rank;
  card.querySelector(".cite").append(citation(c));
  card.querySelector(".score").textContent = `score ${p.score.toFixed(3)}`;

  const inPassage = answer && answer.citation.document_id === c.document_id && contains(c, answer.citation);
  if (inPassage) card.classList.add("has-answer");
  const mark = inPassage ? localSpan(p.text, c.start, answer.citation) : null;
  const markers = findMarkers(p.text, c.start, p.footnotes, (n) => noteId(`p${p.rank}`, n));
  card.querySelector(".passage-text").append(richText(p.text, mark, markers));

  const notes = footnoteList(p.footnotes, `p${p.rank}`, c.document_id, answer);
  card.querySelector(".footnotes").replaceWith(notes);
  if (!p.footnotes.length) notes.remove();

  card.querySelector(".actions").append(sourceButton("View in source", c, `passage ${p.rank}`), copyButton(p.text, c));
  return card;
}

function showResults(data, seconds) {
  const { answer, passages } = data;
  const results = $("results");
  results.replaceChildren();
  if (answer) results.append(answerCard(answer, passages));
  else if (passages.length) results.append(el("p", "muted", "No single sentence answers this; the closest passages are below."));

  if (passages.length) {
    results.append(el("h2", "eyebrow", `Passages (${passages.length})`));
    const list = el("ol", "passages");
    for (const p of passages) {
      const item = el("li");
      item.append(passageCard(p, answer));
      list.append(item);
    }
    results.append(list);
  } else {
    results.append(el("p", "empty", "Nothing in the index matches this question."));
  }
  // Screen readers hear the answer itself; the eye sees it in the card, so the status shows counts.
  const status = $("status");
  const heard = answer ? `Answer: ${answer.text} ` : "No answer sentence found. ";
  status.replaceChildren(
    el("span", "visually-hidden", heard),
    document.createTextNode(`${passages.length} passage${passages.length === 1 ? "" : "s"} · ${seconds.toFixed(2)} s`),
  );
}

// ---------------------------------------------------------------------------------------------
// Asking

function request() {
  const body = { question: $("question").value.trim(), k: Number($("k").value) };
  if ($("mode").value) body.mode = $("mode").value;
  const documents = [...document.querySelectorAll("#doc-list input:checked")].map((box) => box.value);
  if (documents.length) body.documents = documents;
  return body;
}

// Asks `body`, replacing the question in flight if there is one: its answer or error, arriving
// late, is dropped.
async function ask(body) {
  if (asking) asking.abort();
  const { signal } = (asking = new AbortController());
  const started = performance.now();
  clearError();
  $("results").setAttribute("aria-busy", "true");
  setStatus("Searching…");
  let answered = false;
  try {
    answered = await run(async () => {
      const data = await api("/v1/ask", { body, signal });
      if (!signal.aborted) showResults(data, (performance.now() - started) / 1000);
    }, signal);
  } finally {
    if (!signal.aborted) {
      // What is on screen answers an earlier question: a failed one leaves nothing under it.
      if (!answered) $("results").replaceChildren();
      $("results").setAttribute("aria-busy", "false");
    }
  }
}

// The start page: an empty question box with the default options, nothing asked or in flight.
function showStart() {
  if (asking) asking.abort();
  $("ask").reset();
  $("question").setCustomValidity("");
  updateDocSummary();
  clearError();
  setStatus("");
  $("results").replaceChildren();
  $("results").setAttribute("aria-busy", "false");
}

// The question and options live in the URL, so a result can be bookmarked, shared and reached
// with the back button.
function toUrl(body) {
  const params = new URLSearchParams({ q: body.question });
  if (body.mode) params.set("mode", body.mode);
  if (body.k !== 5) params.set("k", body.k);
  for (const id of body.documents || []) params.append("doc", id);
  return `?${params}`;
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  const question = params.get("q");
  if (!question) return null;
  $("question").value = question;
  $("mode").value = params.get("mode") || "";
  $("k").value = params.get("k") || "5";
  if (!$("k").value) $("k").value = "5"; // a k the menu does not offer
  const docs = params.getAll("doc");
  for (const box of document.querySelectorAll("#doc-list input")) box.checked = docs.includes(box.value);
  updateDocSummary();
  // The documents as the link names them, so one the index does not hold is reported (the API
  // answers 404), never dropped to search all of them.
  const body = request();
  if (docs.length) body.documents = docs;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Document filter

async function loadDocuments() {
  const { documents } = await api("/v1/documents");
  const list = $("doc-list");
  const wanted = new URLSearchParams(location.search).getAll("doc");
  list.replaceChildren();
  if (!documents.length) list.append(el("p", "muted", "The index has no documents."));
  for (const doc of documents) {
    const label = el("label", "doc");
    const box = el("input");
    box.type = "checkbox";
    box.value = doc.id;
    box.checked = wanted.includes(doc.id);
    const about = [doc.metadata.date, `${doc.footnotes} footnotes`, `${doc.chunks} passages`].filter(Boolean).join(" · ");
    const title = el("span", "doc-title", doc.title);
    title.dir = "auto";
    label.append(box, title, el("span", "muted small", about));
    list.append(label);
  }
  updateDocSummary();
}

function updateDocSummary() {
  const boxes = [...document.querySelectorAll("#doc-list input")];
  const checked = boxes.filter((box) => box.checked).length;
  $("doc-summary").textContent = checked ? `${checked} of ${boxes.length}` : "all";
}

// ---------------------------------------------------------------------------------------------
// Source view

let sourceOpener = null;

async function openSource(span, what, opener) {
  const dialog = $("source");
  if (viewing) viewing.abort();
  const { signal } = (viewing = new AbortController());
  sourceOpener = opener;
  $("source-title").textContent = "Loading source…";
  $("source-span").textContent = "";
  $("source-text").replaceChildren();
  if (!dialog.open) dialog.showModal();
  const shown = await run(async () => {
    const doc = await api(`/v1/documents/${encodeURIComponent(span.document_id)}/source`, { signal });
    if (signal.aborted) return; // closed, or another source opened, while this one loaded
    if (span.label !== undefined) {
      // A note named by its label (one not listed with the passage): its span in the document.
      const note = labelled(doc.footnotes, span.label, span.from);
      if (!note) {
        $("source-title").textContent = doc.title;
        $("source-span").textContent = `Footnote ${span.label} is not in this document`;
        $("source-text").replaceChildren(richText(doc.text, null));
        return;
      }
      span = { document_id: span.document_id, start: note.start, end: note.end };
    }
    $("source-title").textContent = doc.title;
    $("source-span").textContent = `${what[0].toUpperCase()}${what.slice(1)} · ${chars(span)} of ${codePoints(doc.text)}`;
    $("source-text").replaceChildren(richText(doc.text, localSpan(doc.text, 0, span)));
    jumpToMark();
  }, signal);
  if (!shown && !signal.aborted) dialog.close();
}

function jumpToMark() {
  const mark = $("source-text").querySelector("mark");
  if (mark) mark.scrollIntoView({ block: "center" });
  $("source-text").focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------------------------
// Wiring

function start() {
  // Footnote links change only the #fragment; going back over them must not ask again.
  let asked = location.search;
  $("ask").addEventListener("submit", (event) => {
    event.preventDefault();
    const body = request();
    if (!body.question) {
      // Only spaces: `required` let it through, so say what the browser says of an empty box.
      $("question").setCustomValidity("The question is only spaces: type a question.");
      $("question").reportValidity();
      return;
    }
    if (location.search !== toUrl(body)) history.pushState(null, "", toUrl(body));
    asked = location.search;
    ask(body);
  });
  $("question").addEventListener("input", () => $("question").setCustomValidity(""));
  window.addEventListener("popstate", () => {
    if (location.search === asked) return;
    asked = location.search;
    const body = fromUrl();
    if (body) ask(body);
    else showStart();
  });
  $("doc-list").addEventListener("change", updateDocSummary);

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $("api-key").value.trim());
    $("api-key").value = "";
    $("key-form").hidden = true;
    clearError();
    $("question").focus(); // back where the user was before the key was asked for
    for (const retry of retries.splice(0)) retry();
  });

  $("source-close").addEventListener("click", () => $("source").close());
  $("source-jump").addEventListener("click", jumpToMark);
  $("source").addEventListener("close", () => {
    if ($("source").open) return; // opened again since
    viewing.abort(); // a load still in flight is for a view no longer shown
    if (sourceOpener) sourceOpener.focus();
  });
  // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
  $("source").addEventListener("click", (event) => {
    if (event.target === $("source")) $("source").close();
  });

  // "/" focuses the question box from anywhere except another field.
  document.addEventListener("keydown", (event) => {
    if (event.key === "/" && !event.target.closest("input, select, textarea, dialog")) {
      event.preventDefault();
      $("question").focus();
      $("question").select();
    }
  });

  run(async () => {
    await loadDocuments();
  }).then(() => {
    const body = fromUrl();
    if (body) ask(body);
    else if ($("key-form").hidden) $("question").focus(); // else the key field keeps the focus
  });
}

start();
