{{%AUTOESCAPE context="HTML"}}{{#LIST}}<div class="chats">
<h1>{{T_CHATS}}</h1>
<p class="description">{{T_CHATS_TEXT}}</p>
<ul class="rooms">{{#ROOM}}<li><a href="{{URL}}">{{TITLE}}</a></li>{{/ROOM}}</ul>
</div>
{{/LIST}}{{#ROOM_PAGE}}<section class="chat" data-chat data-room="{{ROOM}}" data-seq="{{SEQ}}" data-cursor="{{CURSOR}}" data-edition="{{EDITION}}"{{#MOD}} data-moderator="1"{{/MOD}}{{#ME}} data-me="{{UID}}"{{/ME}}>
<p class="kicker"><a href="{{LIST_URL}}">{{T_CHATS}}</a></p>
<h1>{{TITLE}}</h1>
<p class="chat-meta"><span data-presence></span>{{#LOCKED}} <span class="badge" data-locked>{{T_CHAT_LOCKED}}</span>{{/LOCKED}}{{#SLOW}} <span class="badge">{{T_CHAT_SLOW}} {{SECONDS}} s</span>{{/SLOW}}</p>
{{#MOD}}<div class="chat-mod" data-mod-controls><label class="check"><input type="checkbox" data-lock{{#LOCKED}} checked{{/LOCKED}}> {{T_CHAT_LOCK}}</label> <label>{{T_CHAT_SLOW}} <select data-slow><option value="0">—</option><option value="10">10 s</option><option value="30">30 s</option><option value="60">60 s</option></select></label></div>{{/MOD}}
<p class="older"><button type="button" class="button" data-older{{#NO_OLDER}} hidden{{/NO_OLDER}}>{{T_CHAT_OLDER}}</button></p>
<ol class="chat-messages" data-messages aria-live="polite">{{#MSG}}<li data-id="{{ID}}" data-user="{{UID}}"><span class="who">{{NAME}}</span> <time datetime="{{ISO}}">{{TIME}}</time> <span class="text">{{HTML:none}}</span></li>
{{/MSG}}</ol>
{{#EMPTY}}<p class="chat-empty" data-empty>{{T_CHAT_EMPTY}}</p>{{/EMPTY}}
{{#LOGIN}}<p class="chat-login">{{T_CHAT_LOGIN}} <a href="/account/login?next={{NEXT_Q}}">{{T_LOGIN}}</a> · <a href="/account/register?next={{NEXT_Q}}">{{T_REGISTER}}</a></p>{{/LOGIN}}
{{#ME}}<form class="chat-form" data-chat-form><label class="visually-hidden" for="chat-text">{{T_CHAT_MESSAGE}}</label><textarea id="chat-text" name="text" rows="2" maxlength="1000" required placeholder="{{T_CHAT_MESSAGE}}"></textarea><button class="button" type="submit">{{T_CHAT_SEND}}</button><p class="form-error" data-chat-error hidden></p></form>
<noscript><p class="notice">{{T_CHAT_NEEDS_JS}}</p></noscript>{{/ME}}
</section>
{{/ROOM_PAGE}}
