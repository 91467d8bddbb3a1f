{{%AUTOESCAPE context="HTML"}}<h1 class="visually-hidden">{{T_FRONT_PAGE}}</h1>
{{#EMPTY}}<p class="empty">{{T_NO_STORIES}}</p>{{/EMPTY}}
<div class="home-grid">
<div class="home-main">
{{#TOP}}<section class="top-story" aria-label="{{T_TOP_STORY}}">
{{#PHOTO}}<a class="top-photo" href="{{URL}}" tabindex="-1" aria-hidden="true"><picture>{{#WEBP}}<source type="image/webp" srcset="{{SRCSET}}" sizes="{{SIZES}}">{{/WEBP}}<img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="" fetchpriority="high"></picture></a>{{/PHOTO}}
<div class="top-text">
{{#BREAKING}}<p class="breaking-flag">{{T_BREAKING}}</p>{{/BREAKING}}
<a class="kicker" href="{{SECTION_URL}}">{{SECTION_NAME}}</a>
<h2><a href="{{URL}}">{{HEADLINE}}</a></h2>
<p class="summary">{{SUMMARY}}</p>
<time datetime="{{ISO}}">{{WHEN}}</time>
</div>
</section>{{/TOP}}
{{#SECTION_BLOCK}}<section class="section-block">
<h2><a href="{{URL}}">{{NAME}}</a></h2>
<p class="lede">{{DESCRIPTION}}</p>
<ol class="story-list compact">
{{ITEMS:none}}
</ol>
</section>
{{/SECTION_BLOCK}}</div>
<aside class="newsfeed-column" aria-labelledby="newsfeed-heading">
<h2 id="newsfeed-heading"><a href="{{NEWSFEED_URL}}">{{T_NEWSFEED}}</a></h2>
<ol class="feed">
{{#FEED}}<li><time datetime="{{ISO}}">{{TIME}}</time> <a href="{{URL}}">{{HEADLINE}}</a></li>
{{/FEED}}</ol>
<p><a class="button" href="{{NEWSFEED_URL}}">{{T_ALL_NEWS}}</a></p>
</aside>
</div>
