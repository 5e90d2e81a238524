/*
 * search.js: the search box of index.html. Asks GET api/search as the
 * user types (debounced, the stale request aborted) and shows the
 * matching episodes with their timestamped moments.
 *
 * Nothing the API returns is inserted as HTML: highlights and snippets
 * are parsed into an inert <template> and rebuilt from their text, with
 * <mark> the only element kept. Fields the API may not send yet (url,
 * snippet, highlight, suggestions) are optional: without them the page
 * shows plain text and no links.
 */
'use strict';

(function () {
	const API = 'api/search'; /* relative: the page may live under a path */
	const LIMIT = 10;
	const DEBOUNCE_MS = 120;
	const MSG_DOWN = 'The search service is not answering. ' +
		'Try again in a moment.';

	const form = document.getElementById('search-form');
	const box = document.getElementById('q');
	const statusLine = document.getElementById('status');
	const suggestionList = document.getElementById('suggestions');
	const results = document.getElementById('results');

	let timer = 0;
	let inFlight = null;	/* the AbortController of the newest request */
	let sendPrefix = true;	/* false once the daemon refuses prefix=1 */

	/* An answer that is not JSON from the daemon: down or unreachable. */
	class ServiceDown extends Error {}
	/* A 4xx the daemon explained: the query itself cannot be run. */
	class QueryRefused extends Error {}

	/* ---- Talking to the API ---- */

	/*
	 * The URL for QUERY. Daemons that predate prefix=1 refuse it; for
	 * them the last word is made a prefix with the query syntax's own
	 * trailing "*", so typing "cache mou" still finds "mount".
	 */
	function searchUrl(query) {
		const params = new URLSearchParams({q: query, limit: LIMIT});

		if (sendPrefix)
			params.set('prefix', '1');
		else if (/[\p{L}\p{N}]$/u.test(query))
			params.set('q', query + '*');
		return API + '?' + params;
	}

	/* Resolves to the parsed answer; rejects with ServiceDown,
	 * QueryRefused or the fetch's own AbortError. */
	async function fetchSearch(query, signal) {
		let response, body;

		try {
			response = await fetch(searchUrl(query), {
				signal, headers: {Accept: 'application/json'}});
		} catch (err) {
			if (err.name === 'AbortError')
				throw err;
			throw new ServiceDown(err.message);
		}
		if (response.status >= 500)
			throw new ServiceDown('HTTP ' + response.status);
		try {
			body = await response.json();
		} catch (err) {
			if (err.name === 'AbortError')
				throw err;
			throw new ServiceDown('the answer is not JSON');
		}
		if (response.status === 400 && sendPrefix &&
		    /prefix/.test(body.error || '')) {
			sendPrefix = false;
			return fetchSearch(query, signal);
		}
		if (!response.ok)
			throw new QueryRefused(body.error || 'HTTP ' + response.status);
		return body;
	}

	/* Runs the search for the box's text now; an older one in flight is
	 * aborted, and an answer that arrives late is dropped. */
	async function searchNow() {
		const query = box.value.trim();
		let controller, answer;

		clearTimeout(timer);
		if (inFlight)
			inFlight.abort();
		inFlight = null;
		rememberQuery(query);
		if (query === '') {
			showNothing();
			return;
		}

		controller = new AbortController();
		inFlight = controller;
		results.setAttribute('aria-busy', 'true');
		try {
			answer = await fetchSearch(query, controller.signal);
		} catch (err) {
			if (err.name === 'AbortError' || inFlight !== controller)
				return;
			if (err instanceof QueryRefused)
				showProblem('The search could not be run: ' + err.message);
			else
				showProblem(MSG_DOWN);
			return;
		} finally {
			if (inFlight === controller) {
				inFlight = null;
				results.removeAttribute('aria-busy');
			}
		}
		if (!controller.signal.aborted)
			showAnswer(query, answer);
	}

	function searchSoon() {
		clearTimeout(timer);
		timer = setTimeout(searchNow, DEBOUNCE_MS);
	}

	/* Keeps ?q= in the address bar, so a search can be shared or kept. */
	function rememberQuery(query) {
		const url = new URL(location.href);

		if (query === '')
			url.searchParams.delete('q');
		else
			url.searchParams.set('q', query);
		history.replaceState(null, '', url);
	}

	/* ---- Safe rich text ---- */

	/* Markdown code marks are dropped, as the command-line client does. */
	function plain(text) {
		return String(text).replace(/`/g, '');
	}

	/*
	 * A fragment from the API's escaped HTML: text nodes and <mark>
	 * elements rebuilt from their text; any other element keeps only its
	 * text, and a script or style not even that. The template is never
	 * attached, so nothing in it runs or loads.
	 */
	function fromMarkedHtml(html) {
		const template = document.createElement('template');
		const fragment = document.createDocumentFragment();

		template.innerHTML = html;
		for (const node of template.content.childNodes) {
			if (node.nodeName === 'MARK') {
				const mark = document.createElement('mark');

				mark.textContent = plain(node.textContent);
				fragment.append(mark);
			} else if (!/^(SCRIPT|STYLE)$/.test(node.nodeName)) {
				fragment.append(plain(node.textContent));
			}
		}
		return fragment;
	}

	/* Lower case without diacritics, for comparing words. */
	function fold(word) {
		return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
	}

	/* The roots of the query's words, near enough to the index's
	 * stemmer to mark "caching" for "cache". */
	function queryRoots(query) {
		const words = fold(query).match(/[\p{L}\p{N}]+/gu) || [];

		return words.map((word) => {
			const root = word.replace(/(ing|es|ed|s|e)$/, '');

			return root.length >= 3 ? root : word;
		});
	}

	/* A fragment from plain TEXT with the words that start with one of
	 * ROOTS marked: the page's own guess, used only while the API sends
	 * no highlight. */
	function fromPlainText(text, roots) {
		const fragment = document.createDocumentFragment();
		const words = /[\p{L}\p{N}]+/gu;
		let last = 0, match;

		text = plain(text);
		while ((match = words.exec(text)) !== null) {
			const folded = fold(match[0]);

			if (!roots.some((root) => folded.startsWith(root)))
				continue;
			const mark = document.createElement('mark');

			fragment.append(text.slice(last, match.index));
			mark.textContent = match[0];
			fragment.append(mark);
			last = match.index + match[0].length;
		}
		fragment.append(text.slice(last));
		return fragment;
	}

	function richText(html, text, roots) {
		if (typeof html === 'string')
			return fromMarkedHtml(html);
		return fromPlainText(text || '', roots);
	}

	/* ---- Showing answers ---- */

	function element(name, className, ...children) {
		const node = document.createElement(name);

		if (className)
			node.className = className;
		node.append(...children);
		return node;
	}

	/* A link to URL when the API gave one; otherwise a plain element
	 * that the arrow keys can still reach. */
	function target(url, className, ...children) {
		let node;

		if (typeof url === 'string' && url !== '') {
			node = element('a', className, ...children);
			node.href = url;
		} else {
			node = element('span', className, ...children);
			node.tabIndex = -1;
		}
		node.classList.add('nav-item');
		return node;
	}

	function showMoment(moment, roots) {
		const stamp = element('span', 'stamp', moment.timestamp || '');
		const text = element('span', 'moment-text',
			richText(moment.highlight, moment.text, roots));
		const row = element('li', 'moment moment-' + moment.kind,
			target(moment.url, 'moment-link', stamp, text));

		if (!moment.timestamp)
			stamp.setAttribute('aria-hidden', 'true');
		return row;
	}

	function showHit(hit, roots) {
		const meta = [hit.show, hit.published].filter(Boolean);
		const heading = element('h2', 'hit-heading',
			target(hit.url, 'hit-title', plain(hit.title)));
		const item = element('li', 'hit', heading);

		item.dataset.slug = hit.slug || '';
		if (meta.length > 0)
			heading.append(element('span', 'hit-meta',
				' · ' + meta.join(' · ')));
		if (typeof hit.snippet === 'string' && hit.snippet !== '')
			item.append(element('p', 'hit-snippet',
				fromMarkedHtml(hit.snippet)));
		if (Array.isArray(hit.moments) && hit.moments.length > 0)
			item.append(element('ol', 'moments',
				...hit.moments.map((m) => showMoment(m, roots))));
		return item;
	}

	function showSuggestions(suggestions) {
		const buttons = suggestions
			.filter((s) => typeof s === 'string' && s !== '')
			.map((s) => {
				const button = element('button', 'suggestion', s);

				button.type = 'button';
				button.addEventListener('click', () => {
					box.value = s;
					box.focus();
					searchNow();
				});
				return button;
			});

		suggestionList.replaceChildren();
		suggestionList.hidden = buttons.length === 0;
		if (buttons.length > 0)
			suggestionList.append('Did you mean ', ...buttons, '?');
	}

	function countLine(query, total, shown) {
		const quoted = '“' + query + '”';

		if (total === 0)
			return 'No episodes match ' + quoted + '.';
		let line = total === 1 ? '1 episode matches ' + quoted
			: total + ' episodes match ' + quoted;
		if (shown < total)
			line += ', the best ' + shown + ' shown';
		return line + '.';
	}

	function showAnswer(query, answer) {
		const hits = Array.isArray(answer.hits) ? answer.hits : [];
		const total = Number.isInteger(answer.total) ? answer.total
			: hits.length;
		const roots = queryRoots(query);

		statusLine.classList.remove('problem');
		statusLine.textContent = countLine(query, total, hits.length);
		showSuggestions(total === 0 && Array.isArray(answer.suggestions)
			? answer.suggestions : []);
		results.replaceChildren(...hits.map((h) => showHit(h, roots)));
	}

	function showProblem(message) {
		statusLine.classList.add('problem');
		statusLine.textContent = message;
		showSuggestions([]);
		results.replaceChildren();
	}

	function showNothing() {
		statusLine.classList.remove('problem');
		statusLine.textContent = '';
		showSuggestions([]);
		results.replaceChildren();
	}

	/* ---- Keyboard ---- */

	function typingElsewhere(target) {
		return target !== box && (target.isContentEditable ||
			/^(INPUT|TEXTAREA|SELECT)$/.test(target.nodeName));
	}

	/* ArrowDown from the box enters the results; ArrowUp from the first
	 * result goes back to the box. */
	function moveFocus(event) {
		const items = [...results.querySelectorAll('.nav-item')];
		const at = items.indexOf(document.activeElement);
		const down = event.key === 'ArrowDown';
		let next;

		if (document.activeElement === box)
			next = down ? items[0] : undefined;
		else if (at >= 0)
			next = down ? items[at + 1] : (at === 0 ? box : items[at - 1]);
		else
			return;
		event.preventDefault(); /* no scrolling by the arrow itself */
		if (next)
			next.focus();
	}

	function onKey(event) {
		if (event.altKey || event.ctrlKey || event.metaKey)
			return;
		if (event.key === '/' && document.activeElement !== box &&
		    !typingElsewhere(event.target)) {
			event.preventDefault();
			box.focus();
			box.select();
		} else if (event.key === 'Escape') {
			event.preventDefault();
			box.value = '';
			box.focus();
			searchNow();
		} else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
			moveFocus(event);
		}
	}

	/* ---- Start ---- */

	box.addEventListener('input', searchSoon);
	form.addEventListener('submit', (event) => {
		event.preventDefault(); /* Enter in the box: search at once */
		searchNow();
	});
	document.addEventListener('keydown', onKey);

	box.value = new URLSearchParams(location.search).get('q') || '';
	if (box.value !== '')
		searchNow();
})();
