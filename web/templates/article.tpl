{{%AUTOESCAPE context="HTML"}}<article class="story" data-story data-url="{{PATH}}" data-title="{{DOC_TITLE}}">
<header class="story-head">
{{#BREAKING}}<p class="breaking-flag">{{T_BREAKING}}</p>{{/BREAKING}}
<a class="kicker" href="{{SECTION_URL}}">{{SECTION_NAME}}</a>
<h1>{{HEADLINE}}</h1>
<p class="summary">{{SUMMARY}}</p>
<p class="meta">{{#BYLINE}}<span class="byline">{{#AUTHOR}}<a href="{{URL}}" rel="author">{{NAME}}</a>{{#AUTHOR_separator}}, {{/AUTHOR_separator}}{{/AUTHOR}}</span> · {{/BYLINE}}<time datetime="{{PUBLISHED_ISO}}">{{PUBLISHED}}</time>{{#UPDATED}} · {{T_UPDATED}} <time datetime="{{ISO}}">{{TEXT}}</time>{{/UPDATED}}</p>
</header>
{{#LEAD}}<figure class="lead-photo">
<picture>{{#WEBP}}<source type="image/webp" srcset="{{SRCSET}}" sizes="{{SIZES}}">{{/WEBP}}<img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="{{ALT}}" loading="{{LOADING}}" decoding="async"></picture>
<figcaption><span class="caption">{{CAPTION}}</span> <span class="credit">{{CREDIT}}</span> <span class="caption-line">{{CAPTION_LINE}}</span></figcaption>
</figure>{{/LEAD}}
<div class="story-body">
{{#BLOCK}}{{#P}}<p>{{#DATELINE}}<span class="dateline">{{TEXT}} — </span>{{/DATELINE}}{{TEXT}}</p>
{{/P}}{{#H2}}<h2>{{TEXT}}</h2>
{{/H2}}{{#QUOTE}}<blockquote><p>{{TEXT}}</p>{{#CITE}}<footer>— <cite>{{NAME}}</cite></footer>{{/CITE}}</blockquote>
{{/QUOTE}}{{#UL}}<ul>{{#ITEM}}<li>{{TEXT}}</li>{{/ITEM}}</ul>
{{/UL}}{{#OL}}<ol>{{#ITEM}}<li>{{TEXT}}</li>{{/ITEM}}</ol>
{{/OL}}{{#IMAGE}}<figure class="inline-photo">
<picture>{{#WEBP}}<source type="image/webp" srcset="{{SRCSET}}" sizes="{{SIZES}}">{{/WEBP}}<img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="{{ALT}}" loading="{{LOADING}}" decoding="async"></picture>
<figcaption><span class="caption">{{CAPTION}}</span> <span class="credit">{{CREDIT}}</span></figcaption>
</figure>
{{/IMAGE}}{{#EMBED}}<p class="embed"><a href="{{URL}}" rel="nofollow noopener" target="_blank">{{TITLE}}</a> <span class="host">{{HOST}}</span></p>
{{/EMBED}}{{/BLOCK}}</div>
<footer class="story-foot">
{{#TAGS}}<ul class="tags" aria-label="{{T_TAGS}}">{{#TAG}}<li><a href="{{URL}}" rel="tag">{{NAME}}</a></li>{{/TAG}}</ul>{{/TAGS}}
{{#TRANSLATION}}<p class="translation">{{T_READ_IN}} <a href="{{URL}}" hreflang="{{LANG}}" lang="{{LANG}}">{{NAME}}: {{HEADLINE}}</a></p>{{/TRANSLATION}}
<div class="subscribe-box"><p>{{T_SUBSCRIBE_PITCH}}</p><a class="button subscribe" href="{{SUBSCRIBE_URL}}">{{T_SUBSCRIBE}}</a></div>
</footer>
{{#LATEST}}<aside class="latest">
<h2>{{T_MORE_FROM}} {{SECTION_NAME}}</h2>
<ul>{{ITEMS:none}}</ul>
</aside>{{/LATEST}}
</article>
{{#NEXT}}<nav class="next-story" data-next-story><a href="{{NEXT_URL}}" data-next-link>{{T_NEXT_STORY}}: {{NEXT_HEADLINE}}</a></nav>{{/NEXT}}
