{{%AUTOESCAPE context="HTML"}}<header class="listing-head">
<h1>{{HEADING}}</h1>
{{#DESCRIPTION}}<p class="lede">{{TEXT}}</p>{{/DESCRIPTION}}
<p class="feed-links">{{#COUNT}}<span class="count">{{TEXT}}</span> {{/COUNT}}{{#FEED_LINK}}<a href="{{URL}}">{{T_RSS}}</a>{{/FEED_LINK}}</p>
</header>
{{#EMPTY}}<p class="empty">{{T_NO_STORIES}}</p>{{/EMPTY}}
<div class="listing" data-listing>
<ol class="story-list {{LIST_CLASS}}" data-list>
{{ITEMS:none}}
</ol>
{{#MORE}}<nav class="pager" data-pager><a class="button more" href="{{URL}}" rel="next" data-more>{{T_SHOW_MORE}}</a></nav>{{/MORE}}
</div>
