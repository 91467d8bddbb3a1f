{{%AUTOESCAPE context="HTML"}}{{#BLOCK}}<section class="discussion" id="comments" aria-labelledby="comments-title" data-discussion data-story="{{STORY}}" data-path="{{PATH}}" data-sort="{{SORT}}" data-last-id="{{LAST_ID}}" data-base="{{BASE}}" data-t-reply="{{T_COMMENT_REPLY}}" data-t-edit="{{T_COMMENT_EDIT}}" data-t-delete="{{T_COMMENT_DELETE}}" data-t-report="{{T_COMMENT_REPORT}}" data-t-report-prompt="{{T_COMMENT_REPORT_PROMPT}}" data-t-send="{{T_COMMENT_SEND}}" data-t-save="{{T_COMMENT_SAVE}}" data-t-cancel="{{T_COMMENT_CANCEL}}" data-t-placeholder="{{T_COMMENT_PLACEHOLDER}}" data-t-new="{{T_COMMENTS_NEW}}" data-t-edited="{{T_COMMENT_EDITED}}" data-t-in-reply-to="{{T_IN_REPLY_TO}}" data-t-staff="{{T_BADGE_STAFF}}" data-t-author="{{T_BADGE_AUTHOR}}" data-t-like="{{T_COMMENT_LIKE}}" data-t-dislike="{{T_COMMENT_DISLIKE}}" data-t-deleted="{{T_COMMENT_DELETED}}" data-t-pick="{{T_COMMENT_PICK}}" data-t-reject="{{T_COMMENT_REJECT}}" data-t-notice="{{T_NOTICE_LINK}}">
<h2 class="discussion-title" id="comments-title">{{T_DISCUSSION}} <span class="comment-count" data-comment-count>{{COUNT}}</span></h2>
{{#CLOSED}}<p class="discussion-note" data-closed>{{NOTE}}</p>
{{/CLOSED}}{{#PREMOD}}<p class="discussion-note" data-premoderated>{{T_DISCUSSION_PREMODERATED}}</p>
{{/PREMOD}}{{#SLOW}}<p class="discussion-note" data-slow>{{T_DISCUSSION_SLOW}} {{SECONDS}} s</p>
{{/SLOW}}{{#OPEN}}<div class="comment-box" id="comment-box" data-comment-box data-write-url="{{WRITE_URL}}">
<p class="participate" data-participate>{{T_PARTICIPATE}} <a href="/account/login?next={{NEXT_Q}}" data-login>{{T_PARTICIPATE_LOGIN}}</a> {{T_PARTICIPATE_OR}} <a href="/account/register?next={{NEXT_Q}}" data-register>{{T_PARTICIPATE_REGISTER}}</a></p>
<noscript><p><a class="button" href="{{WRITE_URL}}">{{T_COMMENT_WRITE}}</a></p></noscript>
</div>
{{/OPEN}}{{#SORTS}}<nav class="comment-sort" aria-label="{{T_COMMENTS_SORT}}">{{#SORT_LINK}}<a href="{{URL}}#comments"{{#CURRENT}} aria-current="page"{{/CURRENT}}>{{LABEL}}</a> {{/SORT_LINK}}</nav>
{{/SORTS}}<p class="new-comments" data-new-comments hidden><button type="button" class="button" data-show-new></button></p>
{{#PICKS}}<section class="picks" aria-label="{{T_EDITORS_PICKS}}"><h3>{{T_EDITORS_PICKS}}</h3><ol class="comments">{{ITEMS:none}}</ol></section>
{{/PICKS}}<ol class="comments" data-comments>{{ITEMS:none}}</ol>
{{#MORE}}<p class="pager" data-comments-pager><a class="button" href="{{URL}}" data-more-comments>{{T_COMMENTS_MORE}}</a></p>
{{/MORE}}{{#EMPTY}}<p class="comments-empty" data-comments-empty>{{T_COMMENTS_NONE}}</p>
{{/EMPTY}}</section>
{{/BLOCK}}{{#FRAGMENT}}<div data-fragment><ol>{{ITEMS:none}}</ol>{{#MORE}}<p class="pager" data-comments-pager><a class="button" href="{{URL}}" data-more-comments>{{T_COMMENTS_MORE}}</a></p>{{/MORE}}</div>
{{/FRAGMENT}}{{#LINK}}<p class="discussion-link"><a href="{{URL}}#comments">{{LABEL}}</a></p>
{{/LINK}}{{#COMMENT}}<li class="comment{{#IS_REPLY}} reply{{/IS_REPLY}}{{#PICKED}} picked{{/PICKED}}" id="comment-{{ID}}" data-comment="{{ID}}" data-user="{{UID}}" data-thread="{{THREAD}}" data-at="{{AT}}">
<p class="comment-head"><span class="who">{{NAME}}</span>{{#STAFF}} <span class="badge" data-badge="staff">{{T_BADGE_STAFF}}</span>{{/STAFF}}{{#AUTHOR}} <span class="badge" data-badge="author">{{T_BADGE_AUTHOR}}</span>{{/AUTHOR}}{{#REPLY_TO}} <span class="reply-to">{{T_IN_REPLY_TO}} {{NAME}}</span>{{/REPLY_TO}} <a class="when" href="#comment-{{ID}}"><time datetime="{{ISO}}">{{WHEN}}</time></a>{{#EDITED}} <span class="edited" data-edited>{{T_COMMENT_EDITED}}</span>{{/EDITED}}</p>
<div class="comment-text" dir="auto" data-text>{{HTML:none}}</div>
<p class="comment-foot" data-comment-foot><span class="votes"><span class="likes" title="{{T_COMMENT_LIKE}}">+<span data-likes>{{LIKES}}</span></span> <span class="dislikes" title="{{T_COMMENT_DISLIKE}}">−<span data-dislikes>{{DISLIKES}}</span></span></span> <a class="notice-link" href="/discussion/notice/{{ID}}" rel="nofollow">{{T_NOTICE_LINK}}</a></p>
</li>
{{/COMMENT}}{{#GONE}}<li class="comment gone" id="comment-{{ID}}" data-comment="{{ID}}" data-thread="{{ID}}" data-gone><p class="placeholder">{{T_COMMENT_DELETED}}</p>
</li>
{{/GONE}}{{#REPLIES}}<details class="replies" data-replies="{{THREAD}}"><summary>{{LABEL}}</summary><ol class="comments" data-reply-list>{{ITEMS:none}}</ol>{{#MORE}}<p class="pager"><a class="more-replies" href="{{URL}}" data-more-replies>{{T_REPLIES_MORE}}</a></p>{{/MORE}}</details>
{{/REPLIES}}{{#WRITE}}<div class="comment-write">
<p class="kicker"><a href="{{STORY_URL}}#comments">{{HEADLINE}}</a></p>
<h1>{{T_COMMENT_WRITE}}</h1>
{{#REPLYING}}<blockquote class="replying"><p class="who">{{T_IN_REPLY_TO}} {{NAME}}</p>{{HTML:none}}</blockquote>{{/REPLYING}}
{{#DONE}}<p class="notice" role="status" data-held>{{TEXT}}</p><p><a href="{{STORY_URL}}#comments">{{T_COMMENT_BACK}}</a></p>{{/DONE}}
{{#CLOSED}}<p class="discussion-note">{{NOTE}}</p>{{/CLOSED}}
{{#LOGIN}}<p class="participate">{{T_PARTICIPATE}} <a href="/account/login?next={{NEXT_Q}}">{{T_PARTICIPATE_LOGIN}}</a> {{T_PARTICIPATE_OR}} <a href="/account/register?next={{NEXT_Q}}">{{T_PARTICIPATE_REGISTER}}</a></p>{{/LOGIN}}
{{#FORM}}{{#ERROR}}<p class="form-error" role="alert" data-error>{{TEXT}}</p>{{/ERROR}}{{#PREMOD}}<p class="discussion-note">{{T_DISCUSSION_PREMODERATED}}</p>{{/PREMOD}}
<form method="post" action="{{ACTION}}" class="comment-form">
<input type="hidden" name="csrf" value="{{CSRF}}">{{#REPLY}}<input type="hidden" name="reply_to" value="{{ID}}">{{/REPLY}}
<label for="comment-text">{{T_COMMENT_PLACEHOLDER}}</label>
<textarea id="comment-text" name="text" rows="6" maxlength="2000" required>{{TEXT}}</textarea>
<p><button class="button" type="submit">{{T_COMMENT_SEND}}</button></p>
</form>{{/FORM}}
</div>
{{/WRITE}}{{#MODERATION}}<div class="moderation">
<h1>{{T_MODERATION}}</h1>
{{#AUTO}}<p class="notice" data-auto-switch><strong>{{ACTION}}</strong>: <a href="{{STORY_URL}}">{{HEADLINE}}</a> · <time datetime="{{AT}}">{{AT}}</time> · {{REASON}}</p>{{/AUTO}}
<h2>{{T_MODERATION_QUEUE}}</h2>
{{#SCORER}}<p class="scorer" data-scorer="{{LANG}}">{{T_SCORER}} ({{LANG}}): {{T_SCORER_PRECISION}} {{PRECISION}}%, {{T_SCORER_RECALL}} {{RECALL}}% · {{HELD}} / {{DECISIONS}}</p>{{/SCORER}}
{{#QUEUE_EMPTY}}<p data-queue-empty>{{T_MODERATION_QUEUE_EMPTY}}</p>{{/QUEUE_EMPTY}}
<ol class="queue">{{#ITEM}}<li class="queue-item" data-queue-item="{{ID}}">
<p class="comment-head"><strong>{{NAME}}</strong> · <a href="{{STORY_URL}}">{{HEADLINE}}</a> · <time datetime="{{WHEN}}">{{WHEN}}</time> · <span class="badge">{{STATE}}</span> {{HELD_FOR}}</p>
<div class="comment-text" dir="auto">{{HTML:none}}</div>
{{#SCORE}}<p class="score" data-score="{{PERCENT}}">{{T_SCORER}}: {{PERCENT}}% · {{WORDS}}</p>{{/SCORE}}
<p class="record">{{T_MODERATION_RECORD}}: {{COMMENTS}} / {{REJECTED}}{{#BANNED}} · <span class="badge">{{T_MODERATION_BANNED}}</span>{{/BANNED}}</p>
{{#REPORT}}<p class="report"><strong>{{NAME}}</strong>: {{REASON}}</p>{{/REPORT}}
<form method="post" action="/newsroom/moderation" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="id" value="{{ID}}">
<button class="button" name="action" value="approve">{{T_MODERATION_APPROVE}}</button>
<button class="button" name="action" value="pick">{{T_COMMENT_PICK}}</button>
<label>{{T_MODERATION_REASON}} <input name="reason" maxlength="500"></label>
<button class="button" name="action" value="reject">{{T_COMMENT_REJECT}}</button>
<button class="button" name="action" value="remove">{{T_COMMENT_DELETE}}</button></form>
<form method="post" action="/newsroom/moderation" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="user_id" value="{{UID}}">
<label>{{T_MODERATION_MINUTES}} <input name="minutes" type="number" min="0" value="1440"></label>
<label>{{T_MODERATION_REASON}} <input name="reason" maxlength="500" required></label>
<button class="button" name="action" value="ban">{{T_MODERATION_BAN}}</button></form>
</li>{{/ITEM}}</ol>
<h2>{{T_MODERATION_NOTICES}}</h2>
{{#NOTICES_EMPTY}}<p>{{T_MODERATION_NOTICES_EMPTY}}</p>{{/NOTICES_EMPTY}}
<ol class="notices">{{#NOTICE}}<li data-notice="{{ID}}"><p><strong>{{REASON}}</strong> · {{EMAIL}} · <a href="{{STORY_URL}}">{{HEADLINE}}</a></p>
<div class="comment-text" dir="auto">{{HTML:none}}</div><p class="explanation">{{EXPLANATION}}</p>
<form method="post" action="/newsroom/moderation" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="notice" value="{{ID}}">
<label>{{T_MODERATION_REASON}} <input name="reason" maxlength="500" required></label>
<button class="button" name="action" value="notice_remove">{{T_MODERATION_REMOVE}}</button>
<button class="button" name="action" value="notice_keep">{{T_MODERATION_KEEP}}</button></form></li>{{/NOTICE}}</ol>
<h2>{{T_MODERATION_WORDS}}</h2>
<ul class="words">{{#WORD}}<li data-word="{{WORD}}">{{WORD}} · {{KIND}} <form method="post" action="/newsroom/moderation" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="word" value="{{WORD}}"><button class="link" name="action" value="word_remove">{{T_MODERATION_WORD_REMOVE}}</button></form></li>{{/WORD}}</ul>
<form method="post" action="/newsroom/moderation"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_MODERATION_WORD}} <input name="word" maxlength="100" required></label>
<select name="kind"><option value="banned">{{T_MODERATION_WORD_BANNED}}</option><option value="suspect">{{T_MODERATION_WORD_SUSPECT}}</option></select>
<button class="button" name="action" value="word_add">{{T_MODERATION_WORD_ADD}}</button></form>
{{#LOG_LINK}}<p><a href="/newsroom/moderation/log">{{T_MODERATION_LOG_LINK}}</a></p>{{/LOG_LINK}}
<h2>{{T_MODERATION_BANS}}</h2>
<ul class="bans">{{#BAN}}<li data-ban="{{UID}}"><strong>{{NAME}}</strong> · {{UNTIL}} · {{REASON}}
<form method="post" action="/newsroom/moderation" class="inline"><input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="user_id" value="{{UID}}"><button class="button" name="action" value="lift">{{T_MODERATION_LIFT}}</button></form></li>{{/BAN}}</ul>
</div>
{{/MODERATION}}{{#LOG}}<div class="moderation">
<h1>{{T_MODERATION_LOG}}</h1>
<table class="log"><tbody>{{#ENTRY}}<tr data-entry="{{ID}}"><td><time datetime="{{AT}}">{{AT}}</time></td><td>{{WHO}}{{#AUTO}}{{T_MODERATION_AUTOMATED}}{{/AUTO}}</td><td>{{ACTION}}</td><td>{{#COMMENT}}#{{ID}}{{/COMMENT}}</td><td>{{#USER}}{{NAME}}{{/USER}}</td><td>{{REASON}}</td></tr>
{{/ENTRY}}</tbody></table>
{{#OLDER}}<p><a href="/newsroom/moderation/log?before={{BEFORE}}">{{T_SHOW_MORE}}</a></p>{{/OLDER}}
</div>
{{/LOG}}{{#NOTICE_FORM}}<div class="comment-write">
<h1>{{T_NOTICE_TITLE}}</h1>
<p>{{T_NOTICE_TEXT}}</p>
<blockquote class="replying"><p class="who">{{NAME}}</p>{{HTML:none}}</blockquote>
{{#DONE}}<p class="notice" role="status" data-notice-received>{{TEXT}}</p>{{/DONE}}
{{#FORM}}{{#ERROR}}<p class="form-error" role="alert" data-error>{{TEXT}}</p>{{/ERROR}}
<form method="post" action="/discussion/notice/{{ID}}" class="comment-form"><input type="hidden" name="csrf" value="{{CSRF}}">
<label for="notice-reason">{{T_NOTICE_REASON_LABEL}}</label>
<select id="notice-reason" name="reason" required><option value="defamation">{{T_NOTICE_REASON_DEFAMATION}}</option><option value="hate">{{T_NOTICE_REASON_HATE}}</option><option value="threat">{{T_NOTICE_REASON_THREAT}}</option><option value="privacy">{{T_NOTICE_REASON_PRIVACY}}</option><option value="copyright">{{T_NOTICE_REASON_COPYRIGHT}}</option><option value="other">{{T_NOTICE_REASON_OTHER}}</option></select>
<label for="notice-explanation">{{T_NOTICE_EXPLANATION_LABEL}}</label>
<textarea id="notice-explanation" name="explanation" rows="6" maxlength="4000" required>{{EXPLANATION}}</textarea>
<label for="notice-email">{{T_NOTICE_EMAIL_LABEL}}</label>
<input id="notice-email" name="email" type="email" required value="{{EMAIL}}">
<p><button class="button" type="submit">{{T_NOTICE_SEND}}</button></p>
</form>{{/FORM}}
</div>
{{/NOTICE_FORM}}
