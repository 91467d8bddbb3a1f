{{%AUTOESCAPE context="HTML"}}<div class="newsroom">
<nav class="newsroom-nav"><a href="/newsroom/">{{T_NEWSROOM}}</a>{{#ADMIN}} · <a href="/newsroom/outbox">{{T_OUTBOX}}</a>{{/ADMIN}} · <a href="/account/">{{T_ACCOUNT_TITLE}}</a></nav>
{{#HOME}}<h1>{{T_NEWSROOM}}</h1>
<p>{{T_NEWSROOM_WELCOME}} {{NAME}}</p>
{{/HOME}}{{#OUTBOX}}<h1>{{T_OUTBOX}}</h1>
<p>{{T_OUTBOX_TEXT}}</p>
{{#EMPTY}}<p>{{T_OUTBOX_EMPTY}}</p>{{/EMPTY}}
<ol class="outbox">{{#MAIL}}<li><article><h2>{{SUBJECT}}</h2><p class="meta">{{TO}} · {{WHEN}}</p><pre>{{TEXT}}</pre></article></li>{{/MAIL}}</ol>
{{/OUTBOX}}</div>
