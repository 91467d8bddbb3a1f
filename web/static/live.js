// Live features on every page: one WebSocket (/live) that resumes where it left off, the
// Newsfeed counter in the masthead, new stories sliding into the Newsfeed, stories opening in
// an overlay from it, the breaking-news banner, and chat rooms. Without JavaScript, all of it is
// plain pages and links. The protocol: docs/live-protocol.md.
(function () {
  'use strict';
  if (!window.WebSocket || !window.fetch) return;
  var root = document.documentElement;
  var edition = root.dataset.edition;
  if (!edition) return;
  var T = { close: root.dataset.tClose, full: root.dataset.tOpenFull, breaking: root.dataset.tBreaking,
            del: root.dataset.tDelete, ban: root.dataset.tBan };

  // ---- the connection ----
  // name -> {cursor, since, on}: the opaque cursor to resume from (the server's), and the
  // position within it that orders events (what was seen is not handled twice).
  var channels = {};
  var socket = null, attempt = 0, pending = [];
  function send(msg) {
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(msg));
    else pending.push(msg);
  }
  function connect() {
    var url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/live';
    socket = new WebSocket(url);
    socket.onopen = function () {
      attempt = 0;
      Object.keys(channels).forEach(function (name) {
        socket.send(JSON.stringify(subscription(name)));
      });
      pending.splice(0).forEach(function (m) { socket.send(JSON.stringify(m)); });
    };
    socket.onmessage = function (e) {
      var m;
      try { m = JSON.parse(e.data); } catch (x) { return; }
      var c = m.channel && channels[m.channel];
      if (m.type === 'subscribed' && c) {
        if (c.since === null) c.since = m.seq;
        if (!c.cursor) c.cursor = m.cursor || null;
        // For people and tests alike: the channels this page follows live right now.
        var live = (root.dataset.liveChannels || '').split(' ').filter(Boolean);
        if (live.indexOf(m.channel) < 0) live.push(m.channel);
        root.dataset.liveChannels = live.join(' ');
      } else if ((m.type === 'event' || m.type === 'events') && c) {
        (m.type === 'events' ? m.events : [m]).forEach(function (ev) {
          if (!ev.recovered && c.since !== null && ev.seq <= c.since) return;  // seen already
          c.since = ev.seq;
          if (ev.cursor) c.cursor = ev.cursor;
          // The newest chat line: what the database can resume from when the bus cannot.
          if (ev.data && ev.data.kind === 'message' && ev.data.id > (c.last_id || 0)) c.last_id = ev.data.id;
          c.on(ev.data, ev);
        });
      } else if (m.type === 'reload' && c) {
        c.since = m.seq;
        c.cursor = m.cursor || null;
        if (c.reload) c.reload();
      } else if (c && c.other) {
        c.other(m);
      }
      if (m.nonce && acks[m.nonce]) { acks[m.nonce](m); delete acks[m.nonce]; }
    };
    socket.onclose = function (e) {
      socket = null;
      // 1001: this node is stopping (drained): reconnect soon, through the balancer to another
      // node, each reader after its own random delay (0.25-3 s) so that they do not all arrive
      // at once. Otherwise back off (1 s, 2 s, 4 s ... 30 s) with jitter.
      var delay = e && e.code === 1001 ? 250 + Math.random() * 2750
                : Math.min(30000, 1000 * Math.pow(2, attempt++)) * (0.5 + Math.random());
      setTimeout(connect, delay);
    };
  }
  function subscription(name) {
    var c = channels[name], m = { type: 'subscribe', channel: name };
    if (c.cursor) m.cursor = c.cursor;
    else if (c.since !== null) m.since = c.since;
    if (c.last_id) m.last_id = c.last_id;
    return m;
  }
  function subscribe(name, since, on, extra) {
    channels[name] = Object.assign({ since: since, cursor: null, on: on }, extra || {});
    if (socket && socket.readyState === 1) socket.send(JSON.stringify(subscription(name)));
  }
  var acks = {};

  // ---- Newsfeed counter and breaking banner ----
  var seenKey = 'herald.newsfeed.seen.' + edition;
  var countEls = document.querySelectorAll('[data-newsfeed-count]');
  var onNewsfeed = location.pathname === '/' + edition + '/newsfeed/';
  var count = 0;
  function showCount() {
    countEls.forEach(function (el) {
      el.hidden = count <= 0;
      el.textContent = count > 99 ? '99+' : String(count);
    });
    root.dataset.newsfeedCount = String(count);
  }
  function now() { return Math.floor(Date.now() / 1000); }
  var seen = Number(localStorage.getItem(seenKey) || 0);
  var loggedIn = document.cookie.indexOf('herald_user=1') >= 0;
  var me = loggedIn ? fetch('/api/v1/me', { credentials: 'same-origin' }).then(function (r) { return r.json(); })
                         .catch(function () { return {}; }) : Promise.resolve({});
  me.then(function (j) {
    if (j.user && j.user.newsfeed_seen_at > seen) seen = j.user.newsfeed_seen_at;
    if (onNewsfeed || !seen) {
      localStorage.setItem(seenKey, String(now()));
      if (onNewsfeed && j.user && j.csrf)
        fetch('/api/v1/me/newsfeed-seen', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': j.csrf } });
      count = 0;
      showCount();
      return;
    }
    fetch('/api/v1/newsfeed/count?edition=' + encodeURIComponent(edition) + '&since=' + seen)
      .then(function (r) { return r.json(); })
      .then(function (c) { count += c.count; showCount(); })
      .catch(function () {});
  });

  function breakingBanner(d) {
    var old = document.querySelector('.breaking-banner');
    if (old) old.remove();
    var b = document.createElement('div');
    b.className = 'breaking-banner';
    b.setAttribute('role', 'alert');
    var s = document.createElement('strong');
    s.textContent = T.breaking + ' ';
    var a = document.createElement('a');
    a.href = d.url;
    a.textContent = d.headline;
    var x = document.createElement('button');
    x.type = 'button';
    x.textContent = '×';
    x.setAttribute('aria-label', T.close);
    x.onclick = function () { b.remove(); };
    b.append(s, a, x);
    document.body.prepend(b);
  }

  function newsfeedItem(d) {
    var list = document.querySelector('[data-list]');
    if (!list || !d.url) return;
    var li = document.createElement('li');
    li.className = 'feed-item arriving';
    var t = document.createElement('time');
    t.dateTime = new Date(d.published_at * 1000).toISOString();
    t.textContent = new Date(d.published_at * 1000).toLocaleTimeString(root.lang, { hour: '2-digit', minute: '2-digit' });
    var k = document.createElement('span');
    k.className = 'kicker';
    k.textContent = d.section;
    var a = document.createElement('a');
    a.className = 'headline';
    a.href = d.url;
    a.textContent = d.headline;
    li.append(t, ' ', k, ' ', a);
    list.prepend(li);
    requestAnimationFrame(function () { li.classList.remove('arriving'); });
  }

  subscribe('newsfeed:' + edition, null, function (d) {
    if (d.kind !== 'published') return;
    if (d.breaking) breakingBanner(d);
    if (onNewsfeed) {
      newsfeedItem(d);
      localStorage.setItem(seenKey, String(now()));
    } else {
      count++;
      showCount();
    }
  });

  // ---- the story overlay (from the Newsfeed) ----
  var overlay = null, listUrl = null;
  function closeOverlay(fromHistory) {
    if (!overlay) return;
    overlay.remove();
    overlay = null;
    document.body.classList.remove('has-overlay');
    if (!fromHistory && listUrl) history.back();
  }
  function openOverlay(url, headline, push) {
    fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + 'fragment=1', { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        if (overlay) overlay.remove();
        overlay = document.createElement('div');
        overlay.className = 'story-overlay';
        overlay.setAttribute('role', 'dialog');
        overlay.setAttribute('aria-modal', 'true');
        overlay.dataset.overlay = url;
        var bar = document.createElement('div');
        bar.className = 'overlay-bar';
        var title = document.createElement('p');
        title.className = 'overlay-title';
        title.textContent = headline;
        var full = document.createElement('a');
        full.href = url;
        full.textContent = T.full;
        full.className = 'overlay-full';
        var x = document.createElement('button');
        x.type = 'button';
        x.className = 'overlay-close';
        x.textContent = T.close;
        x.onclick = function () { closeOverlay(false); };
        bar.append(title, full, x);
        var body = document.createElement('div');
        body.className = 'overlay-body';
        body.innerHTML = html;  // our own server's story fragment
        overlay.append(bar, body);
        document.body.append(overlay);
        document.body.classList.add('has-overlay');
        x.focus();
        if (push) {
          listUrl = location.pathname;
          history.pushState({ overlay: url, headline: headline }, '', url);
        }
      })
      .catch(function () { location.href = url; });
  }
  if (onNewsfeed) {
    document.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('[data-list] a.headline, [data-list] h3 a');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      openOverlay(a.getAttribute('href'), a.textContent, true);
    });
    window.addEventListener('popstate', function (e) {
      if (e.state && e.state.overlay) openOverlay(e.state.overlay, e.state.headline, false);
      else closeOverlay(true);
    });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeOverlay(false); });
  }

  // ---- chat rooms ----
  var chat = document.querySelector('[data-chat]');
  if (chat) {
    var room = chat.dataset.room, list = chat.querySelector('[data-messages]');
    var me_id = Number(chat.dataset.me || 0), moderator = chat.dataset.moderator === '1';
    var csrf = '';
    me.then(function (j) { csrf = j.csrf || ''; });
    function linkify(el, text) {
      var re = /https?:\/\/[^\s<>"]+[^\s<>".,)]/g, last = 0, m;
      while ((m = re.exec(text))) {
        el.append(text.slice(last, m.index));
        var a = document.createElement('a');
        a.href = m[0];
        a.rel = 'nofollow ugc noopener';
        a.target = '_blank';
        a.textContent = m[0];
        el.append(a);
        last = m.index + m[0].length;
      }
      el.append(text.slice(last));
    }
    function modButtons(li) {
      if (!moderator) return;
      var del = document.createElement('button');
      del.type = 'button';
      del.className = 'link';
      del.textContent = T.del;
      del.onclick = function () {
        fetch('/api/v1/chat/messages/' + li.dataset.id, { method: 'DELETE', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } });
      };
      var ban = document.createElement('button');
      ban.type = 'button';
      ban.className = 'link';
      ban.textContent = T.ban;
      ban.onclick = function () {
        fetch('/api/v1/chat/' + room + '/sanctions', { method: 'POST', credentials: 'same-origin',
          headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
          body: JSON.stringify({ user_id: Number(li.dataset.user), kind: 'ban' }) });
      };
      li.append(' ', del, ' ', ban);
    }
    function line(msg, prepend) {
      if (msg.id && list.querySelector('li[data-id="' + msg.id + '"]')) return null;
      var li = document.createElement('li');
      if (msg.id) li.dataset.id = String(msg.id);
      li.dataset.user = String(msg.user.id);
      var who = document.createElement('span');
      who.className = 'who';
      who.textContent = msg.user.name;
      var t = document.createElement('time');
      var d = new Date((msg.at || now()) * 1000);
      t.dateTime = d.toISOString();
      t.textContent = d.toLocaleTimeString(root.lang, { hour: '2-digit', minute: '2-digit' });
      var text = document.createElement('span');
      text.className = 'text';
      linkify(text, msg.text);
      li.append(who, ' ', t, ' ', text);
      if (msg.id) modButtons(li);
      if (prepend) list.prepend(li); else list.append(li);
      var empty = chat.querySelector('[data-empty]');
      if (empty) empty.remove();
      if (!prepend) li.scrollIntoView({ block: 'nearest' });
      return li;
    }
    list.querySelectorAll('li').forEach(modButtons);
    var presence = chat.querySelector('[data-presence]');
    subscribe('chat:' + room, Number(chat.dataset.seq || 0), function (d) {
      if (d.kind === 'message') {
        var mine = d.user.id === me_id && list.querySelector('li.pending[data-text="' + CSS.escape(d.text) + '"]');
        if (mine) { mine.dataset.id = String(d.id); mine.classList.remove('pending'); modButtons(mine); return; }
        line(d, false);
      } else if (d.kind === 'deleted') {
        var li = list.querySelector('li[data-id="' + d.id + '"]');
        if (li) li.remove();
      } else if (d.kind === 'purged') {
        list.querySelectorAll('li[data-user="' + d.user_id + '"]').forEach(function (li) { li.remove(); });
      } else if (d.kind === 'room') {
        chat.dataset.locked = d.locked ? '1' : '0';
      }
    }, {
      cursor: chat.dataset.cursor || null,
      last_id: Math.max.apply(null, [0].concat(Array.prototype.map.call(
        list.querySelectorAll('li[data-id]'), function (li) { return Number(li.dataset.id) || 0; }))),
      reload: function () { location.reload(); },
      other: function (m) {
        if (m.type === 'presence' && presence) { presence.textContent = '● ' + m.count; presence.dataset.count = m.count; }
      }
    });
    var older = chat.querySelector('[data-older]');
    if (older) older.onclick = function () {
      var first = list.querySelector('li[data-id]');
      fetch('/api/v1/chat/' + room + '/messages?before=' + (first ? first.dataset.id : 0), { credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          j.messages.forEach(function (m) { line(m, true); });
          if (j.messages.length < 100) older.hidden = true;
        });
    };
    var form = chat.querySelector('[data-chat-form]');
    if (form) {
      var err = form.querySelector('[data-chat-error]');
      form.addEventListener('submit', function (e) {
        e.preventDefault();
        var text = form.text.value.trim();
        if (!text) return;
        var nonce = Math.random().toString(36).slice(2);
        // The reader's own line shows at once; the server's acknowledgement confirms it.
        var li = line({ user: { id: me_id, name: '' }, text: text, at: now() }, false);
        li.classList.add('pending');
        li.dataset.text = text;
        li.querySelector('.who').textContent = '…';
        acks[nonce] = function (m) {
          if (m.type === 'ack') {
            if (!li.dataset.id) li.dataset.id = String(m.id);
            li.classList.remove('pending');
            li.dataset.confirmed = '1';
          } else {
            li.remove();
            err.textContent = m.message;
            err.hidden = false;
            setTimeout(function () { err.hidden = true; }, 6000);
          }
        };
        send({ type: 'send', channel: 'chat:' + room, text: text, nonce: nonce });
        form.text.value = '';
      });
      form.text.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
      });
    }
    var mod = chat.querySelector('[data-mod-controls]');
    if (mod) {
      var patch = function (body) {
        fetch('/api/v1/chat/' + room, { method: 'PATCH', credentials: 'same-origin',
          headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      };
      mod.querySelector('[data-lock]').onchange = function (e) { patch({ locked: e.target.checked }); };
      mod.querySelector('[data-slow]').onchange = function (e) { patch({ slow_mode_s: Number(e.target.value) }); };
    }
  }

  connect();
})();
