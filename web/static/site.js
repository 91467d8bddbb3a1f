// Herald reader enhancements. Reading works without this file; it adds "Show more" in place
// and loads the next story of the section as the reader reaches the end of one.
(function () {
  'use strict';

  function withFragment(href) {
    var u = new URL(href, location.href);
    u.searchParams.set('fragment', '1');
    return u.toString();
  }

  // "Show more" on section, tag, author and newsfeed pages: fetch the next page's items.
  document.addEventListener('click', function (ev) {
    var link = ev.target.closest && ev.target.closest('a[data-more]');
    if (!link || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.button !== 0) return;
    var listing = link.closest('[data-listing]');
    if (!listing) return;
    ev.preventDefault();
    if (link.getAttribute('aria-busy') === 'true') return;
    link.setAttribute('aria-busy', 'true');
    fetch(withFragment(link.href), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var tpl = document.createElement('template');
        tpl.innerHTML = html;
        var list = listing.querySelector('[data-list]');
        tpl.content.querySelectorAll('[data-fragment] > ol > li').forEach(function (li) { list.appendChild(li); });
        var pager = listing.querySelector('[data-pager]');
        var next = tpl.content.querySelector('[data-pager]');
        if (next) pager.replaceWith(next); else pager.remove();
      })
      .catch(function () { location.href = link.href; });
  });

  // Continuous reading: when the end of a story comes into view, append the next one and let
  // the address bar follow whichever story is being read.
  var nav = document.querySelector('[data-next-story]');
  if (!nav || !('IntersectionObserver' in window)) return;
  var loaded = 0, maxStories = 10;
  var current = document.querySelector('[data-story]');

  var storyObserver = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting || e.target === current) return;
      current = e.target;
      var url = e.target.getAttribute('data-url');
      if (url && url !== location.pathname) {
        history.pushState({ story: url }, '', url);
        document.title = e.target.getAttribute('data-title') || document.title;
      }
    });
  }, { rootMargin: '-45% 0px -50% 0px' });
  storyObserver.observe(current);

  function loadNext(navEl) {
    var link = navEl.querySelector('[data-next-link]');
    if (!link || navEl.classList.contains('loading')) return;
    navEl.classList.add('loading');
    fetch(withFragment(link.href), { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var tpl = document.createElement('template');
        tpl.innerHTML = html;
        var story = tpl.content.querySelector('[data-story]');
        var nextNav = tpl.content.querySelector('[data-next-story]');
        navEl.replaceWith(tpl.content);
        if (story) storyObserver.observe(story);
        loaded++;
        if (nextNav && loaded < maxStories) endObserver.observe(nextNav);
      })
      .catch(function () { navEl.classList.remove('loading'); });
  }

  var endObserver = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { endObserver.unobserve(e.target); loadNext(e.target); }
    });
  }, { rootMargin: '0px 0px 400px 0px' });
  endObserver.observe(nav);

  window.addEventListener('popstate', function () {
    var target = document.querySelector('[data-story][data-url="' + CSS.escape(location.pathname) + '"]');
    if (target) target.scrollIntoView();
    else location.reload();
  });
})();

// The masthead's "Log in" link: back to this page afterwards; the account's name once logged in
// (pages are the same for everyone, so that they can be cached).
(function () {
  var link = document.querySelector('[data-account-link]');
  if (!link) return;
  link.href = '/account/login?next=' + encodeURIComponent(location.pathname + location.search);
  if (document.cookie.indexOf('herald_user=1') < 0) return;
  fetch('/api/v1/me', { credentials: 'same-origin' })
    .then(function (r) { return r.json(); })
    .then(function (j) {
      if (!j.user) return;
      link.textContent = j.user.name;
      link.href = j.user.staff ? '/newsroom/' : '/account/';
    })
    .catch(function () {});
})();
