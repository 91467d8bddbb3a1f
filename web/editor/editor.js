// The newsroom's story editor: a TipTap (ProseMirror) editor for the body, autosave through the
// JSON API with the version each save is based on, a conflict panel when someone saved
// meanwhile, photo upload with caption and credit, and a heartbeat so that the story list
// shows who has the story open. Bundled by esbuild into /static/editor.js at build time.
import { Editor, Node } from "@tiptap/core";
import StarterKit from "@tiptap/starter-kit";

const root = document.querySelector("[data-story-editor]");

// A photo from the library, shown as a figure; caption and credit may override the library's.
const Photo = Node.create({
  name: "photo",
  group: "block",
  atom: true,
  draggable: true,
  addAttributes() {
    return { mediaId: { default: 0 }, src: { default: "" }, caption: { default: "" }, credit: { default: "" } };
  },
  parseHTML() {
    return [{ tag: "figure[data-photo]" }];
  },
  renderHTML({ HTMLAttributes: a }) {
    return ["figure", { "data-photo": String(a.mediaId), class: "editor-photo" },
      ["img", { src: a.src, alt: "" }], ["figcaption", {}, `${a.caption} ${a.credit}`.trim()]];
  },
});

// A link to something elsewhere (a video, a post), shown as a card.
const Embed = Node.create({
  name: "embed",
  group: "block",
  atom: true,
  addAttributes() {
    return { url: { default: "" }, title: { default: "" } };
  },
  parseHTML() {
    return [{ tag: "p[data-embed]" }];
  },
  renderHTML({ HTMLAttributes: a }) {
    return ["p", { "data-embed": "", class: "editor-embed" }, `↗ ${a.title || a.url}`];
  },
});

function spansToContent(block) {
  if (!block.spans) return block.text ? [{ type: "text", text: block.text }] : [];
  return block.spans.filter((s) => s.text).map((s) => {
    const marks = [];
    if (s.bold) marks.push({ type: "bold" });
    if (s.italic) marks.push({ type: "italic" });
    if (s.href) marks.push({ type: "link", attrs: { href: s.href } });
    return marks.length ? { type: "text", text: s.text, marks } : { type: "text", text: s.text };
  });
}

// Our typed blocks (what the server stores) -> a ProseMirror document.
export function blocksToDoc(blocks, media) {
  const content = [];
  for (const b of blocks) {
    if (b.type === "paragraph") content.push({ type: "paragraph", content: spansToContent(b) });
    else if (b.type === "subheading") content.push({ type: "heading", attrs: { level: 2 }, content: spansToContent(b) });
    else if (b.type === "quote") {
      const paras = [{ type: "paragraph", content: spansToContent(b) }];
      if (b.cite) paras.push({ type: "paragraph", content: [{ type: "text", text: "— " + b.cite }] });
      content.push({ type: "blockquote", content: paras });
    } else if (b.type === "list") {
      content.push({
        type: b.ordered ? "orderedList" : "bulletList",
        content: b.items.map((t) => ({ type: "listItem", content: [{ type: "paragraph", content: t ? [{ type: "text", text: t }] : [] }] })),
      });
    } else if (b.type === "image") {
      const m = media.get(b.media_id) || {};
      content.push({ type: "photo", attrs: { mediaId: b.media_id, src: m.url || "", caption: b.caption || m.caption || "", credit: b.credit || m.credit || "" } });
    } else if (b.type === "embed") content.push({ type: "embed", attrs: { url: b.url, title: b.title || "" } });
  }
  if (!content.length) content.push({ type: "paragraph" });
  return { type: "doc", content };
}

function inlineToBlock(nodes) {
  const spans = [];
  let plain = true;
  for (const n of nodes || []) {
    if (n.type !== "text") continue;
    const s = { text: n.text };
    for (const m of n.marks || []) {
      if (m.type === "bold") s.bold = true;
      else if (m.type === "italic") s.italic = true;
      else if (m.type === "link" && m.attrs && m.attrs.href) s.href = m.attrs.href;
    }
    if (s.bold || s.italic || s.href) plain = false;
    spans.push(s);
  }
  const text = spans.map((s) => s.text).join("");
  return plain ? { text } : { spans };
}

function plainText(nodes) {
  return (nodes || []).filter((n) => n.type === "text").map((n) => n.text).join("");
}

// A ProseMirror document -> our typed blocks.
export function docToBlocks(doc, media) {
  const out = [];
  for (const n of doc.content || []) {
    if (n.type === "paragraph") {
      const b = inlineToBlock(n.content);
      if ((b.text ?? "x") === "" ) continue;
      out.push({ type: "paragraph", ...b });
    } else if (n.type === "heading") {
      const text = plainText(n.content);
      if (text) out.push({ type: "subheading", text });
    } else if (n.type === "blockquote") {
      const paras = (n.content || []).filter((p) => p.type === "paragraph");
      let cite = "";
      if (paras.length > 1) {
        const last = plainText(paras[paras.length - 1].content);
        if (last.startsWith("— ")) { cite = last.slice(2); paras.pop(); }
      }
      const merged = paras.flatMap((p, i) => (i ? [{ type: "text", text: " " }] : []).concat(p.content || []));
      const b = { type: "quote", ...inlineToBlock(merged) };
      if (cite) b.cite = cite;
      if (b.text !== "" || b.spans) out.push(b);
    } else if (n.type === "bulletList" || n.type === "orderedList") {
      const items = (n.content || []).map((li) => (li.content || []).map((p) => plainText(p.content)).join(" ")).filter((t) => t);
      if (items.length) out.push({ type: "list", ordered: n.type === "orderedList", items });
    } else if (n.type === "photo") {
      const m = media.get(n.attrs.mediaId) || {};
      const b = { type: "image", media_id: n.attrs.mediaId };
      if (n.attrs.caption && n.attrs.caption !== m.caption) b.caption = n.attrs.caption;
      if (n.attrs.credit && n.attrs.credit !== m.credit) b.credit = n.attrs.credit;
      out.push(b);
    } else if (n.type === "embed") {
      const b = { type: "embed", url: n.attrs.url };
      if (n.attrs.title) b.title = n.attrs.title;
      out.push(b);
    }
  }
  return out;
}

function start() {
  const id = root.dataset.id;
  const csrf = root.dataset.csrf;
  const form = root.querySelector("[data-story-form]");
  const state = root.querySelector("[data-save-state]");
  const conflict = root.querySelector("[data-conflict]");
  const versionField = root.querySelector("[data-version]");
  const bodyField = root.querySelector("[data-body-json]");
  const media = new Map();
  for (const m of JSON.parse(root.querySelector("[data-editor-media]").textContent || "[]")) media.set(m.id, m);
  let version = Number(versionField.value);
  let dirty = false;
  let saving = false;
  let timer = null;

  const mount = root.querySelector("[data-body-editor]");
  const toolbar = document.createElement("div");
  toolbar.className = "editor-toolbar";
  toolbar.setAttribute("role", "toolbar");
  mount.before(toolbar);

  const editor = new Editor({
    element: mount,
    injectCSS: false, // the site's CSP allows no inline styles: site.css has the editor's rules
    extensions: [
      StarterKit.configure({
        heading: { levels: [2] }, code: false, codeBlock: false, strike: false, underline: false,
        horizontalRule: false, hardBreak: false,
        link: { openOnClick: false, protocols: ["mailto"], HTMLAttributes: { rel: "nofollow noopener" } },
      }),
      Photo, Embed,
    ],
    content: blocksToDoc(JSON.parse(bodyField.value || "[]"), media),
    editorProps: { attributes: { class: "prose", "aria-label": "Story text", role: "textbox", "aria-multiline": "true" } },
    onUpdate: () => changed(),
  });
  window.heraldEditor = editor;

  const button = (label, title, run, active) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.dataset.tool = title;
    // The editor keeps the focus (and the selection): a button that took it on mousedown
    // would lose the first letters typed right after the click.
    b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", () => { run(); editor.commands.focus(); });
    if (active) b.dataset.active = active;
    toolbar.append(b);
  };
  const chain = () => editor.chain().focus();
  button("¶", "Paragraph", () => chain().setParagraph().run());
  button("H", "Subheading", () => chain().toggleHeading({ level: 2 }).run());
  button("B", "Bold", () => chain().toggleBold().run());
  button("I", "Italic", () => chain().toggleItalic().run());
  button("“", "Quote", () => chain().toggleBlockquote().run());
  button("•", "Bulleted list", () => chain().toggleBulletList().run());
  button("1.", "Numbered list", () => chain().toggleOrderedList().run());
  button("Link", "Link", () => {
    const href = prompt("Link address (https://… or mailto:…)", editor.getAttributes("link").href || "https://");
    if (href === null) return;
    if (!href) chain().unsetLink().run();
    else if (/^(https?:\/\/[^\s/]|mailto:\S+@)/i.test(href)) chain().extendMarkRange("link").setLink({ href }).run();
    else alert("Links must start with http://, https:// or mailto:");
  });
  button("Photo", "Photo", () => photoDialog());
  button("Embed", "Embedded link", () => {
    const url = prompt("Address to embed (https://…)", "https://");
    if (!url || !/^https?:\/\/[^\s/]/i.test(url)) return;
    const title = prompt("Title shown to readers", "") || "";
    chain().insertContent({ type: "embed", attrs: { url, title } }).run();
  });

  // The photo dialog: pick from the library or upload a new one with caption, credit, alt text.
  const dialog = document.createElement("dialog");
  dialog.className = "photo-dialog";
  dialog.innerHTML = `<form method="dialog" class="form">
    <h2>Photo</h2>
    <label>From the library <select data-pick><option value="">— upload a new photo —</option></select></label>
    <fieldset data-new><label>File (JPEG, PNG or WebP) <input type="file" data-file accept="image/jpeg,image/png,image/webp"></label>
    <label>Caption <input type="text" data-caption maxlength="1000"></label>
    <label>Credit <input type="text" data-credit maxlength="300" placeholder="© Agency Photo / Name"></label>
    <label>Alt text (what the photo shows) <input type="text" data-alt maxlength="500"></label></fieldset>
    <label class="check"><input type="checkbox" data-as-lead> Also the lead photo</label>
    <p class="form-error" data-photo-error hidden></p>
    <p><button class="button" value="ok" data-insert>Insert photo</button> <button value="cancel" formnovalidate>Cancel</button></p></form>`;
  root.append(dialog);
  const pick = dialog.querySelector("[data-pick]");
  for (const m of media.values()) pick.add(new Option(`#${m.id} ${m.caption}`.slice(0, 80), m.id));
  const photoError = dialog.querySelector("[data-photo-error]");
  function photoDialog() {
    photoError.hidden = true;
    dialog.showModal();
  }
  dialog.querySelector("[data-insert]").addEventListener("click", async (ev) => {
    ev.preventDefault();
    let m = media.get(Number(pick.value));
    if (!m) {
      const file = dialog.querySelector("[data-file]").files[0];
      const fd = new FormData();
      if (file) fd.append("file", file);
      fd.append("caption", dialog.querySelector("[data-caption]").value);
      fd.append("credit", dialog.querySelector("[data-credit]").value);
      fd.append("alt", dialog.querySelector("[data-alt]").value);
      const r = await fetch("/api/v1/newsroom/media", { method: "POST", body: fd, headers: { "X-CSRF-Token": csrf } });
      const j = await r.json();
      if (!r.ok) { photoError.textContent = j.error.message; photoError.hidden = false; return; }
      const small = j.renditions.find((x) => x.format === "jpeg" && x.width === 320) || j;
      m = { id: j.id, url: small.url, caption: j.caption, credit: j.credit, alt: j.alt };
      media.set(m.id, m);
      pick.add(new Option(`#${m.id} ${m.caption}`.slice(0, 80), m.id));
      const lead = form.querySelector("[data-lead]");
      lead.add(new Option(`#${m.id} ${m.caption}`.slice(0, 60), m.id));
    }
    if (dialog.querySelector("[data-as-lead]").checked) form.querySelector("[data-lead]").value = String(m.id);
    editor.chain().focus().insertContent({ type: "photo", attrs: { mediaId: m.id, src: m.url, caption: m.caption, credit: m.credit } }).run();
    dialog.close();
    changed();
  });

  function payload() {
    const f = new FormData(form);
    const tags = String(f.get("tags") || "").split(",").map((t) => t.trim()).filter(Boolean);
    const emb = String(f.get("embargo") || "");
    return {
      version,
      headline: f.get("headline"), summary: f.get("summary"), dateline: f.get("dateline"),
      correction: f.get("correction"), section_id: Number(f.get("section_id")),
      lead_media_id: Number(f.get("lead_media_id") || 0), breaking: f.get("breaking") === "1",
      embargo_until: emb ? Math.floor(Date.parse(emb + ":00Z") / 1000) : 0,
      tags, body: docToBlocks(editor.getJSON(), media),
    };
  }

  function say(text) { state.textContent = text; }

  async function save(force) {
    if (saving) { dirty = true; return; }
    if (!dirty && !force) return;
    saving = true;
    dirty = false;
    say("Saving…");
    const data = payload();
    bodyField.value = JSON.stringify(data.body);
    try {
      const r = await fetch(`/api/v1/newsroom/stories/${id}`, {
        method: "PUT", body: JSON.stringify(data),
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      });
      const j = await r.json();
      if (r.ok) {
        version = j.version;
        versionField.value = String(version);
        conflict.hidden = true;
        say(`Saved · version ${version} · ${new Date().toLocaleTimeString()}`);
        root.dataset.saved = String(version);
      } else if (r.status === 409) {
        showConflict(data, j);
      } else {
        say(`Not saved: ${j.error.message}`);
      }
    } catch (e) {
      say("Not saved: the server could not be reached. Retrying…");
      dirty = true;
    } finally {
      saving = false;
      if (dirty) schedule();
    }
  }

  function showConflict(mine, j) {
    const theirs = j.current;
    say(`Not saved: version ${theirs.version} was saved meanwhile.`);
    conflict.replaceChildren();
    const p = document.createElement("p");
    p.textContent = j.error.message;
    const cols = document.createElement("div");
    cols.className = "compare";
    for (const [label, s] of [["Your version", mine], [`Saved meanwhile (version ${theirs.version})`, theirs]]) {
      const col = document.createElement("div");
      const h = document.createElement("h2");
      h.textContent = label;
      const hl = document.createElement("h3");
      hl.textContent = s.headline;
      col.append(h, hl);
      for (const b of s.body || []) {
        const line = document.createElement("p");
        line.textContent = b.text ?? (b.spans || []).map((x) => x.text).join("") ?? (b.items || []).join(" • ");
        col.append(line);
      }
      cols.append(col);
    }
    const keepMine = document.createElement("button");
    keepMine.type = "button";
    keepMine.className = "button";
    keepMine.textContent = "Save mine over it";
    keepMine.addEventListener("click", () => { version = theirs.version; dirty = true; save(); });
    const useTheirs = document.createElement("a");
    useTheirs.className = "button";
    useTheirs.href = location.pathname;
    useTheirs.textContent = "Load the saved version";
    conflict.append(p, cols, keepMine, " ", useTheirs);
    conflict.hidden = false;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => save(), 2000);
  }
  function changed() {
    dirty = true;
    say("Unsaved changes…");
    schedule();
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (ev) => { ev.preventDefault(); clearTimeout(timer); dirty = true; save(true); });
  // Workflow buttons save first, so that what is published is what is on screen.
  for (const wf of root.querySelectorAll(".workflow form")) {
    wf.addEventListener("submit", async (ev) => {
      if (!dirty && !saving) return;
      ev.preventDefault();
      clearTimeout(timer);
      await save(true);
      while (saving) await new Promise((r) => setTimeout(r, 50));
      if (conflict.hidden) wf.submit();
    });
  }
  window.addEventListener("beforeunload", (ev) => { if (dirty) ev.preventDefault(); });
  const beat = () => fetch(`/api/v1/newsroom/stories/${id}/heartbeat`, { method: "POST", headers: { "X-CSRF-Token": csrf } }).catch(() => {});
  beat();
  setInterval(beat, 30000);
  root.dataset.ready = "1";
}

if (root) start();
