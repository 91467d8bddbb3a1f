{{%AUTOESCAPE context="HTML"}}<header class="listing-head">
<h1>{{T_FEEDS_TITLE}}</h1>
<p class="lede">{{T_FEEDS_TEXT}}</p>
</header>
<ul class="feed-list">
{{#FEED}}<li><strong>{{NAME}}</strong> <a href="{{RSS}}">RSS</a> · <a href="{{ATOM}}">Atom</a></li>
{{/FEED}}</ul>
