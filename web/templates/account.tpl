{{%AUTOESCAPE context="HTML"}}<div class="account">
{{#NOTICE}}<p class="notice" role="status">{{TEXT}}</p>
{{/NOTICE}}{{#ERROR}}<p class="form-error" role="alert">{{TEXT}}</p>
{{/ERROR}}{{#LOGIN}}<h1>{{T_LOGIN_TITLE}}</h1>
<form class="form" method="post" action="/account/login">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="next" value="{{NEXT}}">
<label>{{T_EMAIL}} <input type="email" name="email" value="{{EMAIL}}" autocomplete="username" required maxlength="254"></label>
<label>{{T_PASSWORD}} <input type="password" name="password" autocomplete="current-password" required maxlength="512"></label>
<button class="button" type="submit">{{T_LOGIN}}</button>
</form>
<p><a href="/account/reset">{{T_FORGOT}}</a> · <a href="/account/register?next={{NEXT_Q}}">{{T_REGISTER_CTA}}</a></p>
{{/LOGIN}}{{#REGISTER}}<h1>{{T_REGISTER_TITLE}}</h1>
<form class="form" method="post" action="/account/register">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="next" value="{{NEXT}}">
<label>{{T_EMAIL}} <input type="email" name="email" value="{{EMAIL}}" autocomplete="email" required maxlength="254"></label>
<label>{{T_DISPLAY_NAME}} <input type="text" name="name" value="{{NAME}}" autocomplete="name" required maxlength="80"></label>
<label>{{T_PASSWORD}} <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128"><small>{{T_PASSWORD_RULES}}</small></label>
<button class="button" type="submit">{{T_REGISTER}}</button>
</form>
<p><a href="/account/login?next={{NEXT_Q}}">{{T_HAVE_ACCOUNT}}</a></p>
{{/REGISTER}}{{#RESET}}<h1>{{T_RESET_TITLE}}</h1>
<p>{{T_RESET_TEXT}}</p>
<form class="form" method="post" action="/account/reset">
<input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_EMAIL}} <input type="email" name="email" value="{{EMAIL}}" autocomplete="email" required maxlength="254"></label>
<button class="button" type="submit">{{T_RESET_SEND}}</button>
</form>
{{/RESET}}{{#LINK}}<h1>{{HEADING}}</h1>
<form class="form" method="post" action="{{ACTION}}">
<input type="hidden" name="csrf" value="{{CSRF}}"><input type="hidden" name="next" value="{{NEXT}}">
{{#NEW_PASSWORD}}<label>{{T_NEW_PASSWORD}} <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128"><small>{{T_PASSWORD_RULES}}</small></label>
{{/NEW_PASSWORD}}<button class="button" type="submit">{{BUTTON}}</button>
</form>
{{/LINK}}{{#MESSAGE}}<h1>{{HEADING}}</h1>
<p>{{TEXT}}</p>
{{#CONTINUE}}<p><a class="button" href="{{URL}}">{{T_CONTINUE}}</a></p>{{/CONTINUE}}
{{/MESSAGE}}{{#PROFILE}}<h1>{{T_ACCOUNT_TITLE}}</h1>
<p class="who">{{NAME}} · {{EMAIL}} · <span class="role">{{ROLE}}</span>{{#STAFF}} · <a href="/newsroom/">{{T_NEWSROOM}}</a>{{/STAFF}}</p>
<form class="inline" method="post" action="/account/logout"><input type="hidden" name="csrf" value="{{CSRF}}"><button class="button" type="submit">{{T_LOGOUT}}</button></form>
<section><h2>{{T_DISPLAY_NAME}}</h2>
<form class="form" method="post" action="/account/name"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_DISPLAY_NAME}} <input type="text" name="name" value="{{NAME}}" required maxlength="80"></label>
<button class="button" type="submit">{{T_SAVE}}</button></form></section>
<section><h2>{{T_CHANGE_PASSWORD}}</h2>
<form class="form" method="post" action="/account/password"><input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_PASSWORD}}<label>{{T_CURRENT_PASSWORD}} <input type="password" name="current" autocomplete="current-password" required maxlength="512"></label>{{/HAS_PASSWORD}}
<label>{{T_NEW_PASSWORD}} <input type="password" name="password" autocomplete="new-password" required minlength="8" maxlength="128"><small>{{T_PASSWORD_RULES}}</small></label>
<label class="check"><input type="checkbox" name="others" value="1" checked> {{T_LOGOUT_OTHERS}}</label>
<button class="button" type="submit">{{T_CHANGE_PASSWORD}}</button></form></section>
<section><h2>{{T_CHANGE_EMAIL}}</h2>
<form class="form" method="post" action="/account/email"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_NEW_EMAIL}} <input type="email" name="email" required maxlength="254"></label>
{{#HAS_PASSWORD}}<label>{{T_CURRENT_PASSWORD}} <input type="password" name="password" autocomplete="current-password" required maxlength="512"></label>{{/HAS_PASSWORD}}
<button class="button" type="submit">{{T_CHANGE_EMAIL}}</button></form></section>
{{#TOKENS}}<section><h2>{{T_API_TOKENS}}</h2>
<p>{{T_API_TOKENS_TEXT}}</p>
{{#NEW_TOKEN}}<p class="notice">{{T_TOKEN_SHOWN_ONCE}} <code class="token">{{TOKEN}}</code></p>{{/NEW_TOKEN}}
<ul class="tokens">{{#TOKEN_ROW}}<li>{{NAME}} <small>{{CREATED}}</small> <form class="inline" method="post" action="/account/tokens/{{ID}}/revoke"><input type="hidden" name="csrf" value="{{CSRF}}"><button type="submit">{{T_REVOKE}}</button></form></li>{{/TOKEN_ROW}}</ul>
<form class="form" method="post" action="/account/tokens"><input type="hidden" name="csrf" value="{{CSRF}}">
<label>{{T_TOKEN_NAME}} <input type="text" name="name" required maxlength="100"></label>
<button class="button" type="submit">{{T_CREATE_TOKEN}}</button></form></section>
{{/TOKENS}}<section><h2>{{T_DELETE_ACCOUNT}}</h2>
<p>{{T_DELETE_TEXT}}</p>
<form class="form" method="post" action="/account/delete"><input type="hidden" name="csrf" value="{{CSRF}}">
{{#HAS_PASSWORD}}<label>{{T_CURRENT_PASSWORD}} <input type="password" name="password" autocomplete="current-password" required maxlength="512"></label>{{/HAS_PASSWORD}}
<button class="button danger" type="submit">{{T_DELETE_ACCOUNT}}</button></form></section>
{{/PROFILE}}</div>
