/*
 * web-page.js: drives the search page in Debian's headless Chromium for
 * web-page.sh. One phase a run:
 *
 *   node web-page.js search   the page on the live daemon: typing,
 *                             results, links when the API has urls,
 *                             keyboard, no match, and the screenshot;
 *                             then the final API's fields and failures
 *                             on answers this script makes up
 *   node web-page.js down     the daemon stopped: the page says so
 *
 * Every check prints one line, NAME<TAB>GOT<TAB>WANT, for the shell's
 * expect_eq; a line starting with "#" is a note. The browser reaches
 * nothing but 127.0.0.1: any other request is answered here or refused.
 *
 * Environment: WEB_URL (the page through nginx), PLAYWRIGHT_DIR (where
 * playwright-core is installed), PROFILE_DIR (a fresh, empty directory),
 * SCREENSHOT (where to write the "cache mount" picture).
 */
'use strict';

const path = require('path');
const {chromium} = require(path.join(process.env.PLAYWRIGHT_DIR,
	'node_modules', 'playwright-core'));

const BASE = process.env.WEB_URL;
const BUILDKIT = 'hands-on-with-buildkit-and-buildx';
const WAIT_MS = 10000;

function expect(name, got, want) {
	const flat = (v) => String(v).replace(/[\t\n]/g, ' ');

	console.log(`${flat(name)}\t${flat(got)}\t${flat(want)}`);
}

function note(text) {
	console.log('# ' + text);
}

async function openBrowser() {
	return chromium.launchPersistentContext(process.env.PROFILE_DIR, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		chromiumSandbox: false,
		viewport: {width: 1000, height: 700},
		args: ['--headless', '--no-sandbox', '--disable-gpu',
			'--disable-quic', '--no-first-run',
			'--disable-background-networking',
			'--disable-component-update', '--disable-sync'],
	});
}

/* Requests for anything but the test's nginx never leave the machine:
 * example.org (the daemon's url_template) gets a stub, the rest fails. */
async function fenceIn(context, outside) {
	const local = new URL(BASE).host;

	await context.route('**/*', (route) => {
		const url = new URL(route.request().url());

		if (url.host === local)
			return route.continue();
		outside.push(url.href);
		if (url.host === 'example.org')
			return route.fulfill({status: 200,
				contentType: 'text/html', body: 'the video'});
		return route.abort('blockedbyclient');
	});
}

async function statusText(page) {
	return (await page.textContent('#status')).trim();
}

/* Types QUERY into the box, emptied with Escape (which also empties the
 * status line), and waits until the status line speaks of it or of a
 * failure. */
async function typeQuery(page, query, delay = 25) {
	await page.focus('#q');
	await page.keyboard.press('Escape');
	await page.keyboard.type(query, {delay});
	await page.waitForFunction((q) => {
		const s = document.getElementById('status').textContent;
		return s.includes('“' + q + '”') || s.includes('not answering') ||
			s.includes('could not be run');
	}, query, {timeout: WAIT_MS});
}

async function apiAnswer(page, query) {
	return page.evaluate(async (q) => {
		const r = await fetch('api/search?' + new URLSearchParams(
			{q, limit: 10, prefix: 1}));
		const body = await r.json();
		/* Daemons older than prefix=1 refuse it. */
		if (r.status === 400 && /prefix/.test(body.error))
			return (await fetch('api/search?' + new URLSearchParams(
				{q, limit: 10}))).json();
		return body;
	}, query);
}

/* The BuildKit hit of the page as plain data. */
async function buildkitHit(page) {
	return page.$eval(`.hit[data-slug="${BUILDKIT}"]`, (hit) => ({
		title: hit.querySelector('.hit-title').textContent,
		titleHref: hit.querySelector('.hit-title').getAttribute('href'),
		meta: hit.querySelector('.hit-meta').textContent,
		marks: hit.querySelectorAll('mark').length,
		moments: [...hit.querySelectorAll('.moment')].map((m) => ({
			stamp: m.querySelector('.stamp').textContent,
			text: m.querySelector('.moment-text').textContent,
			href: m.querySelector('.moment-link').getAttribute('href'),
			textLeft: Math.round(m.querySelector('.moment-text')
				.getBoundingClientRect().left),
			stampRight: Math.round(m.querySelector('.stamp')
				.getBoundingClientRect().right),
		})),
	}));
}

async function checkResults(page, requests) {
	await page.goto(BASE);
	expect('page: the box has the focus', await page.evaluate(
		() => document.activeElement.id), 'q');

	requests.length = 0;
	await typeQuery(page, 'cache mount');
	expect('typing: fewer requests than keys (debounced)',
		requests.length < 5, true);
	expect('typing: every request asks for prefixes and 10 hits',
		requests.every((u) => /[?&]limit=10(&|$)/.test(u) &&
			(/[?&]prefix=1(&|$)/.test(u) || /\*(&|$)/.test(u))), true);
	expect('status: the count', /^\d+ episodes? match(es)? “cache mount”/
		.test(await statusText(page)), true);

	const hit = await buildkitHit(page);
	const at1620 = hit.moments.find((m) => m.stamp === '27:00');

	expect('BuildKit: title', hit.title, 'Hands-on with BuildKit & buildx');
	expect('BuildKit: show and date', hit.meta,
		' · rawkode-live · 2021-08-25');
	expect('BuildKit: 27:00 moment', at1620 && at1620.text,
		'Build caching with mounts');
	expect('BuildKit: Markdown backticks dropped', hit.moments.some(
		(m) => m.text.includes('(--mount=type=cache)')), true);
	expect('BuildKit: matched words marked', hit.marks > 0, true);
	expect('BuildKit: moment texts line up', new Set(
		hit.moments.map((m) => m.textLeft)).size, 1);
	expect('BuildKit: timestamps line up on the right', new Set(
		hit.moments.map((m) => m.stampRight)).size, 1);
	return {hit, at1620};
}

/* With url fields, the title and moments link to them; without, the page
 * has no links at all. A daemon given a url_template (URLS_EXPECTED=1)
 * must send them. */
async function checkLinks(page, answer, hit, at1620) {
	const apiHit = answer.hits.find((h) => h.slug === BUILDKIT);

	if (process.env.URLS_EXPECTED === '1')
		expect('url: the API sends the hit url', typeof apiHit.url,
			'string');
	if (typeof apiHit.url !== 'string') {
		note('the API sends no url fields: link checks skipped, ' +
			'only "no links" checked');
		expect('no url: no links on the page',
			await page.$$eval('#results a', (a) => a.length), 0);
		return false;
	}
	expect('url: title links to the hit url', hit.titleHref, apiHit.url);
	expect('url: 27:00 links to the url_template', at1620.href,
		`https://example.org/watch/${BUILDKIT}?t=1620`);
	return true;
}

async function checkKeyboard(page, withLinks, outside) {
	const active = () => page.evaluate(() => {
		const e = document.activeElement;
		return e.id || e.className + ':' + e.textContent.slice(0, 60);
	});
	const firstItems = await page.$$eval('#results .nav-item',
		(items) => items.slice(0, 2).map(
			(e) => e.className + ':' + e.textContent.slice(0, 60)));

	await page.focus('#q');
	await page.keyboard.press('ArrowDown');
	expect('keys: ArrowDown enters the results', await active(),
		firstItems[0]);
	await page.keyboard.press('ArrowDown');
	expect('keys: ArrowDown again, the next', await active(),
		firstItems[1]);
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowUp');
	expect('keys: ArrowUp back to the box', await active(), 'q');

	if (withLinks) {
		const href = await page.$eval('#results .nav-item',
			(e) => e.href);

		await page.keyboard.press('ArrowDown');
		await Promise.all([page.waitForURL((u) => u.href === href,
			{timeout: WAIT_MS}),
			page.keyboard.press('Enter')]);
		expect('keys: Enter opens the link', page.url(), href);
		expect('keys: the link was stubbed, not fetched',
			outside.includes(href), true);
		outside.length = 0;
		await page.goBack();
		await typeQuery(page, 'cache mount');
	}

	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('Escape');
	expect('keys: Escape empties the box', await page.inputValue('#q'), '');
	expect('keys: Escape clears the results', await page.$$eval(
		'#results .hit', (h) => h.length), 0);
	expect('keys: Escape returns to the box', await active(), 'q');

	await page.evaluate(() => document.activeElement.blur());
	await page.keyboard.press('/');
	expect('keys: / focuses the box', await active(), 'q');
	expect('keys: / is not typed', await page.inputValue('#q'), '');
}

async function checkNoMatch(page) {
	const gibberish = 'qxzvkwpl zzyqfh';

	await typeQuery(page, gibberish);
	expect('no match: message', await statusText(page),
		`No episodes match “${gibberish}”.`);
	expect('no match: no results', await page.$$eval('#results li',
		(l) => l.length), 0);
}

async function phaseSearch(context, outside) {
	const page = await context.newPage();
	const requests = [];

	page.on('request', (r) => {
		if (r.url().includes('/api/search'))
			requests.push(r.url());
	});
	const {hit, at1620} = await checkResults(page, requests);
	const answer = await apiAnswer(page, 'cache mount');
	const withLinks = await checkLinks(page, answer, hit, at1620);

	await checkKeyboard(page, withLinks, outside);
	await checkNoMatch(page);

	await page.goto(BASE + '?q=' + encodeURIComponent('cache mount'));
	await page.waitForSelector(`.hit[data-slug="${BUILDKIT}"]`);
	expect('?q= in the address runs the search', await page.inputValue(
		'#q'), 'cache mount');
	await page.evaluate(() => document.activeElement.blur());
	await page.screenshot({path: process.env.SCREENSHOT});
	await page.close();
}

/* ---- The page's logic on answers made up here ---- */

const HOSTILE = {
	query: 'made up', total: 1, suggestions: [],
	hits: [{
		slug: 'made-up', title: 'Made <b>up</b>', show: 'show',
		published: '2025-01-02', url: 'https://example.org/watch/made-up',
		snippet: 'an <mark>escaped</mark> &lt;b&gt; and <img src=x ' +
			'onerror="window.pwned=1"> <script>window.pwned=2</script>',
		moments: [{start: 60, end: 90, timestamp: '1:00', kind: 'chapter',
			text: 'Plain <mark>text</mark>',
			highlight: 'Made <mark>up</mark> <a href="javascript:1">' +
				'link</a><svg onload="window.pwned=3"></svg>&amp;',
			url: 'https://example.org/watch/made-up?t=60'}],
	}],
};

function routeAnswers(page, answers) {
	return page.route('**/api/search?*', async (route) => {
		const q = new URL(route.request().url()).searchParams.get('q');
		const made = answers[q.replace(/\*$/, '')];

		if (!made)
			return route.continue();
		if (made.delay)
			await new Promise((r) => setTimeout(r, made.delay));
		if (made.abort)
			return route.abort('connectionrefused').catch(() => {});
		return route.fulfill({status: made.status || 200,
			contentType: 'application/json',
			body: JSON.stringify(made.body)}).catch(() => {});
	});
}

async function phaseMadeUp(context, outside) {
	const page = await context.newPage();
	const html = (sel) => page.$eval(sel, (e) => e.innerHTML);

	await routeAnswers(page, {
		'made up': {body: HOSTILE},
		'teh cache': {body: {query: 'teh cache', total: 0, hits: [],
			suggestions: ['the cache']}},
		'the cache': {body: {...HOSTILE, query: 'the cache'}},
		'unreachable': {abort: true},
		'bad gateway': {status: 502, body: {error: 'down'}},
		'slow': {delay: 700, body: {...HOSTILE, query: 'slow'}},
	});
	await page.goto(BASE);

	await typeQuery(page, 'made up');
	expect('made up: title is text', await page.textContent('.hit-title'),
		'Made <b>up</b>');
	expect('made up: title links to url', await page.getAttribute(
		'.hit-title', 'href'), 'https://example.org/watch/made-up');
	expect('made up: snippet keeps only <mark>', await html('.hit-snippet'),
		'an <mark>escaped</mark> &lt;b&gt; and  ');
	expect('made up: highlight keeps only <mark>', await html(
		'.moment-text'), 'Made <mark>up</mark> link&amp;');
	expect('made up: moment links to its url', await page.getAttribute(
		'.moment-link', 'href'), 'https://example.org/watch/made-up?t=60');
	expect('made up: nothing ran', await page.evaluate(
		() => window.pwned), undefined);

	await page.focus('#q');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await Promise.all([page.waitForURL((u) => u.host === 'example.org',
		{timeout: WAIT_MS}), page.keyboard.press('Enter')]);
	expect('made up: Enter opens the focused moment', page.url(),
		'https://example.org/watch/made-up?t=60');
	expect('made up: the link was stubbed, not fetched', outside.join(' '),
		'https://example.org/watch/made-up?t=60');
	outside.length = 0;
	await page.goBack();

	await typeQuery(page, 'teh cache');
	expect('suggestion: offered', await page.textContent('#suggestions'),
		'Did you mean the cache?');
	await page.click('#suggestions button');
	await page.waitForSelector('.hit');
	expect('suggestion: clicked, searched', await page.inputValue('#q'),
		'the cache');

	await typeQuery(page, 'unreachable');
	expect('network error: message', await statusText(page),
		'The search service is not answering. Try again in a moment.');
	await typeQuery(page, 'bad gateway');
	expect('502: message', await statusText(page),
		'The search service is not answering. Try again in a moment.');

	/* The answer to "slow" comes after the one to "cache mount"; it is
	 * aborted, and must not replace the newer one. */
	await page.fill('#q', 'slow');
	await page.waitForTimeout(300);
	await page.fill('#q', 'cache mount');
	await page.waitForFunction(() => document.getElementById('status')
		.textContent.includes('“cache mount”'), null, {timeout: WAIT_MS});
	await page.waitForTimeout(800);
	expect('stale answer dropped', /“cache mount”/.test(
		await statusText(page)), true);
	await page.close();
}

async function phaseDown(context) {
	const page = await context.newPage();

	await page.goto(BASE);
	await typeQuery(page, 'cache mount');
	expect('daemon stopped: message', await statusText(page),
		'The search service is not answering. Try again in a moment.');
	expect('daemon stopped: shown as a problem', await page.getAttribute(
		'#status', 'class'), 'status problem');
	await page.close();
}

async function main() {
	const outside = [];
	const context = await openBrowser();
	const pageErrors = [];

	context.on('weberror', (e) => pageErrors.push(e.error().message));
	await fenceIn(context, outside);
	try {
		if (process.argv[2] === 'down') {
			await phaseDown(context);
		} else {
			await phaseSearch(context, outside);
			await phaseMadeUp(context, outside);
		}
	} finally {
		await context.close();
	}
	expect('no script errors on the page', pageErrors.join('; '), '');
	expect('nothing asked of other hosts', outside.join(' '), '');
}

main().catch((err) => {
	console.error(err.stack || String(err));
	process.exit(1);
});
