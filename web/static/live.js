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
        // A busy channel's frame keeps its newest events: how many more there were.
        if (m.skipped && c.skipped) c.skipped(m.skipped);
        (m.type === 'events' ? m.events : [m]).forEach(function (ev) {
          if (!ev.recovered && c.since !== null && ev.seq <= c.since) return;  // seen already
          c.since = ev.seq;
          if (ev.cursor) c.cursor = ev.cursor;
          // The newest chat line: what the database can resume from when the bus cannot.
          if (ev.data && (ev.data.kind === 'message' || ev.data.kind === 'comment') && ev.data.id > (c.last_id || 0)) c.last_id = ev.data.id;
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
    if (c.last_id !== undefined && c.last_id !== null) m.last_id = c.last_id;
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

  // ---- the discussion under a story ----
  // Readers who are logged in get the comment box, replies, votes, reports, and edit and delete
  // on their own comments; new comments arrive live, as "N new comments" rather than a jump.
  var disc = document.querySelector('[data-discussion]');
  if (disc) (function () {
    var story = disc.dataset.story, D = disc.dataset, list = disc.querySelector('[data-comments]');
    var countEl = disc.querySelector('[data-comment-count]');
    var newBox = disc.querySelector('[data-new-comments]'), newBtn = disc.querySelector('[data-show-new]');
    var waiting = [], user = null, csrf = '';
    function api(method, path, body) {
      return fetch(path, { method: method, credentials: 'same-origin',
        headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
        body: body ? JSON.stringify(body) : undefined })
        .then(function (r) { return r.json().then(function (j) { j.status = r.status; return j; }); });
    }
    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text !== undefined) e.textContent = text;
      return e;
    }
    // The same HTML the server makes of a comment's text: paragraphs, line breaks, links.
    function textInto(box, text) {
      box.textContent = '';
      text.split('\n\n').forEach(function (para) {
        var p = el('p');
        para.split('\n').forEach(function (ln, i) {
          if (i) p.append(el('br'));
          var re = /(^|[^A-Za-z0-9])(https?:\/\/[^\s<>"'`]{3,}?)(?=[.,)!?;:]*(\s|$))/g, last = 0, m;
          while ((m = re.exec(ln))) {
            var start = m.index + m[1].length;
            p.append(ln.slice(last, start));
            var a = el('a', '', m[2]);
            a.href = m[2];
            a.rel = 'nofollow ugc noopener';
            a.target = '_blank';
            p.append(a);
            last = start + m[2].length;
          }
          p.append(ln.slice(last));
        });
        box.append(p);
      });
    }
    function count(delta) {
      var n = Math.max(0, Number(countEl.textContent || 0) + delta);
      countEl.textContent = String(n);
      var empty = disc.querySelector('[data-comments-empty]');
      if (empty && n > 0) empty.remove();
    }
    function commentEl(c) {
      var li = el('li', 'comment' + (c.parent_id ? ' reply' : ''));
      li.id = 'comment-' + c.id;
      li.dataset.comment = String(c.id);
      li.dataset.user = String(c.user.id);
      li.dataset.thread = String(c.parent_id || c.id);
      li.dataset.at = String(c.at);
      var head = el('p', 'comment-head');
      head.append(el('span', 'who', c.user.name));
      if (c.user.staff) { var b = el('span', 'badge', D.tStaff); b.dataset.badge = 'staff'; head.append(' ', b); }
      if (c.reply_to && c.reply_to !== c.parent_id && c.reply_to_name)
        head.append(' ', el('span', 'reply-to', D.tInReplyTo + ' ' + c.reply_to_name));
      var when = el('a', 'when');
      when.href = '#comment-' + c.id;
      var t = el('time');
      var d = new Date(c.at * 1000);
      t.dateTime = d.toISOString();
      t.textContent = d.toLocaleString(root.lang, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
      when.append(t);
      head.append(' ', when);
      var text = el('div', 'comment-text');
      text.dir = 'auto';
      text.dataset.text = '';
      textInto(text, c.text);
      var foot = el('p', 'comment-foot');
      foot.dataset.commentFoot = '';
      var votes = el('span', 'votes');
      var likes = el('span', 'likes'), dislikes = el('span', 'dislikes');
      likes.append('+', el('span', '', String(c.likes || 0)));
      likes.lastChild.dataset.likes = '';
      dislikes.append('−', el('span', '', String(c.dislikes || 0)));
      dislikes.lastChild.dataset.dislikes = '';
      votes.append(likes, ' ', dislikes);
      var notice = el('a', 'notice-link', D.tNotice);
      notice.href = '/discussion/notice/' + c.id;
      notice.rel = 'nofollow';
      foot.append(votes, ' ', notice);
      li.append(head, text, foot);
      actions(li);
      return li;
    }
    function composer(replyTo, onDone) {
      var f = el('form', 'comment-form');
      f.dataset.composer = replyTo ? 'reply' : 'new';
      var ta = el('textarea');
      ta.name = 'text';
      ta.rows = replyTo ? 3 : 4;
      ta.maxLength = 2000;
      ta.required = true;
      ta.placeholder = D.tPlaceholder;
      ta.setAttribute('aria-label', D.tPlaceholder);
      var send = el('button', 'button', D.tSend);
      send.type = 'submit';
      var msg = el('p', 'form-note');
      msg.hidden = true;
      msg.setAttribute('role', 'status');
      f.append(ta, send, msg);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        send.disabled = true;
        api('POST', '/api/v1/comments', { story_id: Number(story), reply_to: replyTo || 0, text: ta.value })
          .then(function (j) {
            send.disabled = false;
            if (j.error) { msg.textContent = j.error.message; msg.hidden = false; msg.dataset.error = j.error.code; return; }
            ta.value = '';
            if (j.held) { msg.textContent = j.message; msg.hidden = false; msg.dataset.held = '1'; return; }
            msg.hidden = true;
            show(j.comment, true);
            if (onDone) onDone();
          })
          .catch(function () { send.disabled = false; });
      });
      return f;
    }
    function actions(li) {
      if (!user || li.dataset.gone !== undefined) return;
      var foot = li.querySelector('[data-comment-foot]');
      if (!foot || foot.dataset.ready) return;
      foot.dataset.ready = '1';
      var id = li.dataset.comment, mine = Number(li.dataset.user) === user.id;
      function button(label, name, fn) {
        var b = el('button', 'link', label);
        b.type = 'button';
        b.dataset.action = name;
        b.onclick = fn;
        foot.append(' ', b);
        return b;
      }
      if (!disc.querySelector('[data-closed]')) {
        button(D.tReply, 'reply', function () {
          var open = li.querySelector(':scope > form[data-composer]');
          if (open) { open.remove(); return; }
          var f = composer(Number(id), function () { f.remove(); });
          li.insertBefore(f, foot.nextSibling);
          f.querySelector('textarea').focus();
        });
      }
      if (!mine) {
        button(D.tLike, 'like', function () { vote(li, 1); });
        button(D.tDislike, 'dislike', function () { vote(li, -1); });
        button(D.tReport, 'report', function (e) {
          var reason = window.prompt(D.tReportPrompt);
          if (!reason) return;
          var b = e.target;
          api('POST', '/api/v1/comments/' + id + '/report', { reason: reason })
            .then(function (j) { b.textContent = j.error ? j.error.message : j.message; b.disabled = true; });
        });
      }
      if (mine && Date.now() / 1000 - Number(li.dataset.at) < 300) {
        button(D.tEdit, 'edit', function () { edit(li); });
      }
      if (mine || user.moderator) button(D.tDelete, 'delete', function () {
        api('DELETE', '/api/v1/comments/' + id).then(function (j) { if (!j.error) removed(id); });
      });
      if (user.moderator && !mine) button(D.tPick, 'pick', function (e) {
        api('POST', '/api/v1/moderation/comments/' + id, { action: 'pick' })
          .then(function (j) { if (!j.error) { li.classList.add('picked'); e.target.disabled = true; } });
      });
    }
    function vote(li, value) {
      var current = Number(li.dataset.myVote || 0);
      var next = current === value ? 0 : value;
      api('POST', '/api/v1/comments/' + li.dataset.comment + '/vote', { value: next }).then(function (j) {
        if (j.error) return;
        li.dataset.myVote = String(j.votes.mine);
        li.querySelector('[data-likes]').textContent = String(j.votes.likes);
        li.querySelector('[data-dislikes]').textContent = String(j.votes.dislikes);
      });
    }
    function edit(li) {
      var box = li.querySelector('[data-text]');
      if (li.querySelector(':scope > form[data-editor]')) return;
      var f = el('form', 'comment-form');
      f.dataset.editor = '1';
      var ta = el('textarea');
      ta.maxLength = 2000;
      ta.rows = 4;
      ta.value = box.innerText.trim();
      var save = el('button', 'button', D.tSave);
      save.type = 'submit';
      var cancel = el('button', 'link', D.tCancel);
      cancel.type = 'button';
      cancel.onclick = function () { f.remove(); box.hidden = false; };
      var msg = el('p', 'form-note');
      msg.hidden = true;
      f.append(ta, save, ' ', cancel, msg);
      box.hidden = true;
      box.after(f);
      f.addEventListener('submit', function (e) {
        e.preventDefault();
        api('PATCH', '/api/v1/comments/' + li.dataset.comment, { text: ta.value }).then(function (j) {
          if (j.error) { msg.textContent = j.error.message; msg.hidden = false; return; }
          edited(j.comment.id, j.comment.text);
          f.remove();
          box.hidden = false;
        });
      });
    }
    function find(id) { return disc.querySelector('[data-comment="' + id + '"]'); }
    // A comment on the page now: a thread at the top (the newest order), a reply in its thread.
    function show(c, mine) {
      if (find(c.id)) return;
      var li = commentEl(c);
      if (!c.parent_id) {
        list.prepend(li);
      } else {
        var thread = find(c.parent_id);
        if (!thread) return;
        var det = thread.querySelector(':scope > details[data-replies]');
        if (!det) {
          det = el('details', 'replies');
          det.dataset.replies = String(c.parent_id);
          det.append(el('summary', '', '1'), el('ol', 'comments'));
          det.lastChild.dataset.replyList = '';
          thread.append(det);
        } else {
          var sum = det.querySelector('summary');
          sum.textContent = sum.textContent.replace(/\d+/, function (n) { return String(Number(n) + 1); });
        }
        det.open = true;
        det.querySelector('[data-reply-list]').append(li);
      }
      count(1);
      if (mine) li.scrollIntoView({ block: 'nearest' });
    }
    function edited(id, text) {
      var li = find(id);
      if (!li) return;
      textInto(li.querySelector('[data-text]'), text);
      var head = li.querySelector('.comment-head');
      if (!head.querySelector('[data-edited]')) { var e = el('span', 'edited', D.tEdited); e.dataset.edited = ''; head.append(' ', e); }
    }
    function removed(id) {
      waiting = waiting.filter(function (c) { return c.id !== Number(id); });
      showWaiting();
      var li = find(id);
      if (!li) return;
      var replies = li.querySelector(':scope > details[data-replies] li');
      if (replies) {  // a thread with replies stays, as a placeholder
        li.querySelectorAll(':scope > .comment-head, :scope > [data-text], :scope > [data-comment-foot], :scope > form')
          .forEach(function (x) { x.remove(); });
        li.prepend(el('p', 'placeholder', D.tDeleted));
        li.classList.add('gone');
        li.dataset.gone = '';
      } else {
        li.remove();
      }
      count(-1);
    }
    var missed = 0;
    function showWaiting() {
      var n = waiting.length + missed;
      newBox.hidden = n === 0;
      newBtn.textContent = D.tNew.replace('{n}', String(n));
      disc.dataset.waiting = String(n);
    }
    newBtn.onclick = function () {
      var shown = function () {
        waiting.splice(0).forEach(function (c) { show(c, false); });
        showWaiting();
        list.scrollIntoView({ block: 'start' });
      };
      if (!missed) return shown();
      // Some were only counted: the newest threads, from the server, first.
      missed = 0;
      fetch(D.base + '?sort=newest&fragment=1', { credentials: 'same-origin' })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var tpl = document.createElement('template');
          tpl.innerHTML = html;  // our own server's fragment
          var items = Array.prototype.slice.call(tpl.content.querySelectorAll('[data-fragment] > ol > li'));
          items.reverse().forEach(function (li) {
            if (find(li.dataset.comment)) return;
            list.prepend(li);
            actions(li);
            count(1);
          });
          waiting = waiting.filter(function (c) { return !find(c.id); });
          shown();
        })
        .catch(shown);
    };
    // From the newest comment there was when the page was made: the server sends what came
    // after it from the database, then live.
    var lastId = Number(D.lastId || 0);
    subscribe('comments:' + story, null, function (d) {
      if (d.kind === 'comment') {
        if (d.id > lastId) lastId = d.id;
        if (find(d.id) || waiting.some(function (c) { return c.id === d.id; })) return;
        if (d.parent_id) { show(d, false); return; }
        waiting.push(d);  // the reader is reading: no jump, a button
        showWaiting();
      } else if (d.kind === 'edited') {
        waiting.forEach(function (c) { if (c.id === d.id) c.text = d.text; });
        edited(d.id, d.text);
      } else if (d.kind === 'removed') {
        removed(d.id);
      }
    }, { last_id: lastId, reload: function () {},
         // More came than a frame carries: counted now, fetched when the reader asks.
         skipped: function (n) { missed += n; showWaiting(); } });

    // "Show more" and "more replies" in place.
    disc.addEventListener('click', function (e) {
      var a = e.target.closest && e.target.closest('a[data-more-comments], a[data-more-replies]');
      if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      fetch(a.href + '&fragment=1', { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var tpl = document.createElement('template');
          tpl.innerHTML = html;  // our own server's fragment
          var target = a.dataset.moreReplies !== undefined ? a.closest('details').querySelector('[data-reply-list]') : list;
          tpl.content.querySelectorAll('[data-fragment] > ol > li').forEach(function (li) {
            if (find(li.dataset.comment)) return;
            target.append(li);
            actions(li);
          });
          var next = tpl.content.querySelector('[data-fragment] [data-comments-pager] a');
          var pager = a.closest('p');
          if (next) { a.href = next.href; if (a.dataset.moreReplies !== undefined) a.dataset.moreReplies = ''; }
          else pager.remove();
        })
        .catch(function () { location.href = a.href; });
    });

    me.then(function (j) {
      if (!j.user) return;
      user = j.user;
      csrf = j.csrf || '';
      var box = disc.querySelector('[data-comment-box]');
      if (box) {
        box.querySelector('[data-participate]').hidden = true;
        box.append(composer(0));
      }
      disc.querySelectorAll('[data-comment]').forEach(actions);
      disc.dataset.ready = '1';
    });
    if (!loggedIn) disc.dataset.ready = '1';
  })();

  connect();
})();
