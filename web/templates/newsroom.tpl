{{%AUTOESCAPE context="HTML"}}<div class="newsroom">
<nav class="newsroom-nav" aria-label="{{T_NEWSROOM}}"><a href="/newsroom/">{{T_NR_STORIES}}</a>{{#WRITER}} · <a href="/newsroom/stories/new">{{T_NR_NEW_STORY}}</a> · <a href="/newsroom/media">{{T_NR_MEDIA}}</a>{{/WRITER}}{{#ADMIN}} · <a href="/newsroom/admin/sections">{{T_NR_SECTIONS}}</a> · <a href="/newsroom/admin/editions">{{T_NR_EDITIONS}}</a> · <a href="/newsroom/admin/users">{{T_NR_USERS}}</a> · <a href="/newsroom/outbox">{{T_OUTBOX}}</a>{{/ADMIN}} · <a href="/account/">{{T_ACCOUNT_TITLE}}</a></nav>
{{#NOTICE}}<p class="notice" role="status">{{TEXT}}</p>{{/NOTICE}}{{#ERROR}}<p class="form-error" role="alert">{{TEXT}}</p>{{/ERROR}}
{{#HOME}}<h1>{{T_NEWSROOM}}</h1>
<p>{{T_NEWSROOM_WELCOME}} {{NAME}}</p>
{{#LIST}}<form class="filters" method="get" action="/newsroom/">
<label>{{T_NR_STATUS}} <select name="status"><option value="">{{T_NR_ANY}}</option>{{#STATUS_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{LABEL}}</option>{{/STATUS_OPT}}</select></label>
<label>{{T_SECTIONS}} <select name="section"><option value="">{{T_NR_ANY}}</option>{{#SECTION_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{LABEL}}</option>{{/SECTION_OPT}}</select></label>
<label>{{T_NR_AUTHOR}} <select name="author"><option value="">{{T_NR_ANY}}</option>{{#AUTHOR_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{LABEL}}</option>{{/AUTHOR_OPT}}</select></label>
<label>{{T_NR_HEADLINE}} <input type="search" name="q" value="{{Q}}" maxlength="200"></label>
<button class="button" type="submit">{{T_NR_FILTER}}</button>
</form>
<p class="count">{{COUNT}}</p>
<table class="stories"><thead><tr><th>{{T_NR_HEADLINE}}</th><th>{{T_NR_STATUS}}</th><th>{{T_SECTIONS}}</th><th>{{T_NR_CHANGED}}</th><th>{{T_NR_EDITING}}</th></tr></thead><tbody>
{{#STORY}}<tr><td><a href="/newsroom/stories/{{ID}}">{{HEADLINE}}</a>{{#BREAKING}} <span class="badge breaking-badge">{{T_BREAKING}}</span>{{/BREAKING}}</td><td><span class="badge status-{{STATUS}}">{{STATUS_LABEL}}</span></td><td>{{SECTION}}</td><td><time datetime="{{ISO}}">{{WHEN}}</time></td><td>{{#EDITING}}<span class="editing">{{NAME}}</span>{{/EDITING}}</td></tr>
{{/STORY}}</tbody></table>
{{#MORE}}<p><a class="button" href="{{URL}}">{{T_SHOW_MORE}}</a></p>{{/MORE}}{{/LIST}}
{{/HOME}}{{#NEW}}<h1>{{T_NR_NEW_STORY}}</h1>
<form class="form" method="post" action="/newsroom/stories"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_NR_HEADLINE}} <input type="text" name="headline" required maxlength="300" autofocus></label>
<label>{{T_NR_SECTION}} <select name="section_id" required>{{#SECTION_OPT}}<option value="{{VALUE}}">{{LABEL}}</option>{{/SECTION_OPT}}</select></label>
<button class="button" type="submit">{{T_NR_CREATE}}</button>
</form>
{{/NEW}}{{#EDITOR}}<div class="story-editor" data-story-editor data-id="{{ID}}" data-csrf="{{CSRF}}">
<h1 class="visually-hidden">{{T_NR_EDIT_STORY}}</h1>
<p class="editor-state"><span class="badge status-{{STATUS}}">{{STATUS_LABEL}}</span> <span data-save-state>{{T_NR_VERSION}} {{VERSION}}</span>{{#SCHEDULED}} · {{T_NR_SCHEDULED_FOR}} <time datetime="{{ISO}}">{{WHEN}}</time>{{/SCHEDULED}}{{#URL}} · <a href="{{URL}}">{{T_NR_ON_SITE}}</a>{{/URL}} · <a href="/newsroom/stories/{{ID}}/preview" target="_blank">{{T_NR_PREVIEW}}</a> · <a href="/newsroom/stories/{{ID}}/revisions">{{T_NR_REVISIONS}}</a></p>
{{#EDITING_OTHER}}<p class="notice">{{T_NR_OPEN_BY}} {{NAME}}</p>{{/EDITING_OTHER}}
<div class="conflict" data-conflict hidden role="alert"></div>
<form class="form story-form" method="post" action="/newsroom/stories/{{ID}}" data-story-form>
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="version" value="{{VERSION}}" data-version>
<label>{{T_NR_HEADLINE}} <input type="text" name="headline" value="{{HEADLINE}}" required maxlength="300"></label>
<label>{{T_NR_SUMMARY}} <textarea name="summary" rows="2" maxlength="1000">{{SUMMARY}}</textarea></label>
<div class="row">
<label>{{T_NR_DATELINE}} <input type="text" name="dateline" value="{{DATELINE}}" maxlength="100"></label>
<label>{{T_NR_SECTION}} <select name="section_id">{{#SECTION_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{LABEL}}</option>{{/SECTION_OPT}}</select></label>
<label>{{T_TAGS}} <input type="text" name="tags" value="{{TAGS}}" placeholder="{{T_NR_TAGS_HINT}}"></label>
</div>
<div class="row">
<label>{{T_NR_LEAD_PHOTO}} <select name="lead_media_id" data-lead><option value="0">{{T_NR_NONE}}</option>{{#MEDIA_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{LABEL}}</option>{{/MEDIA_OPT}}</select></label>
<label>{{T_NR_EMBARGO}} <input type="datetime-local" name="embargo" value="{{EMBARGO}}"></label>
<label class="check"><input type="checkbox" name="breaking" value="1"{{#IS_BREAKING}} checked{{/IS_BREAKING}}> {{T_BREAKING}}</label>
</div>
<label>{{T_NR_CORRECTION}} <textarea name="correction" rows="2" maxlength="1000">{{CORRECTION}}</textarea></label>
<div class="body-field"><span class="label">{{T_NR_BODY}}</span>
<div class="body-editor" data-body-editor></div>
<noscript><p class="notice">{{T_NR_NEEDS_JS}}</p></noscript>
<textarea name="body" data-body-json hidden>{{BODY_JSON}}</textarea></div>
<button class="button" type="submit">{{T_SAVE}}</button>
</form>
<script type="application/json" data-editor-media>{{MEDIA_JSON:none}}</script>
<section class="workflow"><h2>{{T_NR_WORKFLOW}}</h2>
{{#CAN_SUBMIT}}<form method="post" action="/newsroom/stories/{{ID}}/submit"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button" type="submit">{{T_NR_SUBMIT}}</button></form>{{/CAN_SUBMIT}}
{{#CAN_DRAFT}}<form method="post" action="/newsroom/stories/{{ID}}/draft"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button" type="submit">{{T_NR_TO_DRAFT}}</button></form>{{/CAN_DRAFT}}
{{#CAN_PUBLISH}}<form method="post" action="/newsroom/stories/{{ID}}/publish"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button publish" type="submit" data-publish>{{T_NR_PUBLISH}}</button></form>
<form method="post" action="/newsroom/stories/{{ID}}/schedule"><input type="hidden" name="csrf" value="{{CSRF}}"><label>{{T_NR_SCHEDULE_AT}} <input type="datetime-local" name="at" required></label> <input type="hidden" name="tz" value="0" data-tz><button class="button" type="submit">{{T_NR_SCHEDULE}}</button></form>{{/CAN_PUBLISH}}
{{#CAN_UNPUBLISH}}<form method="post" action="/newsroom/stories/{{ID}}/unpublish"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button danger" type="submit">{{T_NR_UNPUBLISH}}</button></form>{{/CAN_UNPUBLISH}}
{{#CHAT_OFF}}<form method="post" action="/newsroom/stories/{{ID}}/chat-on"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button" type="submit">{{T_NR_CHAT_ON}}</button></form>{{/CHAT_OFF}}
{{#CHAT_ON}}<form method="post" action="/newsroom/stories/{{ID}}/chat-off"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button" type="submit">{{T_NR_CHAT_OFF}}</button></form> <a href="{{ROOM_URL}}">{{T_CHATS}}</a>{{/CHAT_ON}}
<p class="small">{{T_NR_TIMES_UTC}}</p>
</section>
</div>
{{/EDITOR}}{{#CONFLICT}}<h1>{{T_CONFLICT_TITLE}}</h1>
<p>{{MESSAGE}}</p>
<div class="compare"><div><h2>{{T_NR_YOURS}}</h2><h3>{{MINE_HEADLINE}}</h3><pre>{{MINE_TEXT}}</pre></div><div><h2>{{T_NR_THEIRS}} ({{T_NR_VERSION}} {{THEIR_VERSION}})</h2><h3>{{THEIR_HEADLINE}}</h3><pre>{{THEIR_TEXT}}</pre></div></div>
<p><a class="button" href="/newsroom/stories/{{ID}}">{{T_NR_KEEP_THEIRS}}</a></p>
{{/CONFLICT}}{{#REVISIONS}}<h1>{{T_NR_REVISIONS}}: {{HEADLINE}}</h1>
<p><a href="/newsroom/stories/{{ID}}">{{T_NR_BACK_TO_STORY}}</a></p>
<form class="filters" method="get" action="/newsroom/stories/{{ID}}/revisions">
<table class="revisions"><thead><tr><th>A</th><th>B</th><th>{{T_NR_VERSION}}</th><th>{{T_NR_CHANGED}}</th><th>{{T_NR_AUTHOR}}</th><th></th></tr></thead><tbody>
{{#REV}}<tr><td><input type="radio" name="a" value="{{RID}}"{{#A}} checked{{/A}}></td><td><input type="radio" name="b" value="{{RID}}"{{#B}} checked{{/B}}></td><td>{{VERSION}}</td><td><time datetime="{{ISO}}">{{WHEN}}</time> {{NOTE}}</td><td>{{WHO}}</td><td><button class="link" type="submit" form="restore-{{RID}}">{{T_NR_RESTORE}}</button></td></tr>
{{/REV}}</tbody></table>
<button class="button" type="submit">{{T_NR_COMPARE}}</button>
</form>
{{#REV}}<form id="restore-{{RID}}" method="post" action="/newsroom/stories/{{ID}}/revisions/{{RID}}/restore"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="version" value="{{CURRENT_VERSION}}"></form>{{/REV}}
{{#COMPARE}}<div class="compare">{{#SIDE}}<div><h2>{{T_NR_VERSION}} {{VERSION}} · {{WHEN}}</h2><h3>{{HEADLINE}}</h3><p class="summary">{{SUMMARY}}</p>{{#LINE}}<p class="{{#CHANGED}}changed{{/CHANGED}}">{{TEXT}}</p>{{/LINE}}</div>{{/SIDE}}</div>{{/COMPARE}}
{{/REVISIONS}}{{#MEDIA}}<h1>{{T_NR_MEDIA}}</h1>
<form class="form upload" method="post" action="/newsroom/media" enctype="multipart/form-data"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_NR_PHOTO_FILE}} <input type="file" name="file" accept="image/jpeg,image/png,image/webp" required></label>
<label>{{T_NR_CAPTION}} <input type="text" name="caption" maxlength="1000"></label>
<label>{{T_NR_CREDIT}} <input type="text" name="credit" maxlength="300" placeholder="© Agency Photo / Name"></label>
<label>{{T_NR_ALT}} <input type="text" name="alt" maxlength="500" required></label>
<button class="button" type="submit">{{T_NR_UPLOAD}}</button>
<p class="small">{{T_NR_UPLOAD_RULES}}</p>
</form>
<form class="filters" method="get" action="/newsroom/media"><label>{{T_NR_SEARCH}} <input type="search" name="q" value="{{Q}}" maxlength="200"></label> <button class="button" type="submit">{{T_NR_SEARCH}}</button></form>
<ul class="media-grid">{{#ITEM}}<li><img src="{{THUMB}}" alt="{{ALT}}" width="320" height="{{H}}" loading="lazy"><form method="post" action="/newsroom/media/{{MID}}"><input type="hidden" name="csrf" value="{{CSRF}}"><span class="small">#{{MID}} · {{W}}×{{FULL_H}}</span>
<label>{{T_NR_CAPTION}} <input type="text" name="caption" value="{{CAPTION}}" maxlength="1000"></label><label>{{T_NR_CREDIT}} <input type="text" name="credit" value="{{CREDIT}}" maxlength="300"></label><label>{{T_NR_ALT}} <input type="text" name="alt" value="{{ALT}}" maxlength="500" required></label><button type="submit">{{T_SAVE}}</button></form></li>{{/ITEM}}</ul>
{{/MEDIA}}{{#SECTIONS_ADMIN}}<h1>{{T_NR_SECTIONS}}</h1>
{{#EDITION}}<section><h2>{{NAME}}</h2>
<table class="sections-admin"><tbody>{{#SEC}}<tr><td><form class="inline-form" method="post" action="/newsroom/admin/sections/{{SID}}"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="text" name="name" value="{{SNAME}}" required maxlength="100" aria-label="{{T_NR_NAME}}"> <input type="text" name="slug" value="{{SLUG}}" required maxlength="60" aria-label="slug"> <input type="text" name="description" value="{{SDESC}}" maxlength="300" aria-label="{{T_NR_DESCRIPTION}}"> <input type="number" name="position" value="{{POS}}" aria-label="{{T_NR_ORDER}}"> <button type="submit">{{T_SAVE}}</button></form></td></tr>{{/SEC}}</tbody></table>
<form class="inline-form" method="post" action="/newsroom/admin/sections"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="edition_id" value="{{EID}}"><input type="text" name="name" placeholder="{{T_NR_NAME}}" required maxlength="100"> <input type="text" name="description" placeholder="{{T_NR_DESCRIPTION}}" maxlength="300"> <button type="submit">{{T_NR_ADD_SECTION}}</button></form>
</section>{{/EDITION}}
{{/SECTIONS_ADMIN}}{{#EDITIONS_ADMIN}}<h1>{{T_NR_EDITIONS}}</h1>
{{#EDITION}}<form class="form" method="post" action="/newsroom/admin/editions/{{EID}}"><input type="hidden" name="csrf" value="{{CSRF}}"><h2>{{CODE}}</h2>
<label>{{T_NR_SITE_NAME}} <input type="text" name="site_name" value="{{SITE_NAME}}" required maxlength="200"></label>
<label>{{T_NR_TAGLINE}} <input type="text" name="tagline" value="{{TAGLINE}}" maxlength="200"></label>
<label>{{T_NR_TIME_ZONE}} <input type="text" name="time_zone" value="{{TIME_ZONE}}" maxlength="60"></label>
<label>{{T_NR_DATE_FORMAT}} <input type="text" name="date_format" value="{{DATE_FORMAT}}" maxlength="60"></label>
<button class="button" type="submit">{{T_SAVE}}</button></form>{{/EDITION}}
{{/EDITIONS_ADMIN}}{{#USERS_ADMIN}}<h1>{{T_NR_USERS}}</h1>
<form class="filters" method="get" action="/newsroom/admin/users"><label>{{T_NR_SEARCH}} <input type="search" name="q" value="{{Q}}"></label> <button class="button" type="submit">{{T_NR_SEARCH}}</button></form>
<table class="users"><tbody>{{#USER}}<tr><td>{{NAME}}<br><span class="small">{{EMAIL}}</span></td><td><form class="inline-form" method="post" action="/newsroom/admin/users/{{UID}}"><input type="hidden" name="csrf" value="{{CSRF}}"><select name="role" aria-label="role">{{#ROLE_OPT}}<option value="{{VALUE}}"{{#SEL}} selected{{/SEL}}>{{VALUE}}</option>{{/ROLE_OPT}}</select> <label class="check"><input type="checkbox" name="disabled" value="1"{{#DISABLED}} checked{{/DISABLED}}> {{T_NR_DISABLED}}</label> <button type="submit">{{T_SAVE}}</button></form></td></tr>{{/USER}}</tbody></table>
{{/USERS_ADMIN}}{{#OUTBOX}}<h1>{{T_OUTBOX}}</h1>
<p>{{T_OUTBOX_TEXT}}</p>
{{#EMPTY}}<p>{{T_OUTBOX_EMPTY}}</p>{{/EMPTY}}
<ol class="outbox">{{#MAIL}}<li><article><h2>{{SUBJECT}}</h2><p class="meta">{{TO}} · {{WHEN}}</p><pre>{{TEXT}}</pre></article></li>{{/MAIL}}</ol>
{{/OUTBOX}}</div>
