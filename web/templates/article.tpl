{{%AUTOESCAPE context="HTML"}}<article class="story" data-story data-url="{{PATH}}" data-title="{{DOC_TITLE}}">
<header class="story-head">
{{#BREAKING}}<p class="breaking-flag">{{T_BREAKING}}</p>{{/BREAKING}}
<a class="kicker" href="{{SECTION_URL}}">{{SECTION_NAME}}</a>
<h1>{{HEADLINE}}</h1>
<p class="summary">{{SUMMARY}}</p>
{{#CORRECTION}}<p class="correction" role="note"><strong>{{T_CORRECTION}}</strong> {{TEXT}}</p>
{{/CORRECTION}}<p class="meta">{{#BYLINE}}<span class="byline">{{#AUTHOR}}<a href="{{URL}}" rel="author">{{NAME}}</a>{{#AUTHOR_separator}}, {{/AUTHOR_separator}}{{/AUTHOR}}</span> · {{/BYLINE}}<time datetime="{{PUBLISHED_ISO}}">{{PUBLISHED}}</time>{{#UPDATED}} · {{T_UPDATED}} <time datetime="{{ISO}}">{{TEXT}}</time>{{/UPDATED}}</p>
</header>
{{#LEAD}}<figure class="lead-photo">
<picture>{{#WEBP}}<source type="image/webp" srcset="{{SRCSET}}" sizes="{{SIZES}}">{{/WEBP}}<img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="{{ALT}}" loading="{{LOADING}}" decoding="async"></picture>
<figcaption><span class="caption">{{CAPTION}}</span> <span class="credit">{{CREDIT}}</span> <span class="caption-line">{{CAPTION_LINE}}</span></figcaption>
</figure>{{/LEAD}}
<div class="story-body">
{{BODY:none}}</div>
<footer class="story-foot">
{{#TAGS}}<ul class="tags" aria-label="{{T_TAGS}}">{{#TAG}}<li><a href="{{URL}}" rel="tag">{{NAME}}</a></li>{{/TAG}}</ul>{{/TAGS}}
{{#TRANSLATION}}<p class="translation">{{T_READ_IN}} <a href="{{URL}}" hreflang="{{LANG}}" lang="{{LANG}}">{{NAME}}: {{HEADLINE}}</a></p>{{/TRANSLATION}}
{{#STORY_CHAT}}<p class="story-chat"><a class="button" href="{{URL}}">{{T_STORY_CHAT}}</a></p>
{{/STORY_CHAT}}<div class="subscribe-box"><p>{{T_SUBSCRIBE_PITCH}}</p><a class="button subscribe" href="{{SUBSCRIBE_URL}}">{{T_SUBSCRIBE}}</a></div>
</footer>
{{DISCUSSION:none}}{{#LATEST}}<aside class="latest">
<h2>{{T_MORE_FROM}} {{SECTION_NAME}}</h2>
<ul>{{ITEMS:none}}</ul>
</aside>{{/LATEST}}
</article>
{{#NEXT}}<nav class="next-story" data-next-story><a href="{{NEXT_URL}}" data-next-link>{{T_NEXT_STORY}}: {{NEXT_HEADLINE}}</a></nav>{{/NEXT}}
