{{%AUTOESCAPE context="HTML"}}{{#STORY}}<li class="item{{#WITH_IMAGE}} has-image{{/WITH_IMAGE}}">
{{#THUMB}}<a class="thumb" href="{{URL}}" tabindex="-1" aria-hidden="true"><img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="" loading="lazy" decoding="async"></a>
{{/THUMB}}<div class="item-text">
<a class="kicker" href="{{SECTION_URL}}">{{SECTION_NAME}}</a>{{#BREAKING}} <span class="flag">{{T_BREAKING}}</span>{{/BREAKING}}
<h3><a href="{{URL}}">{{HEADLINE}}</a></h3>
<p class="summary">{{SUMMARY}}</p>
<time datetime="{{ISO}}">{{WHEN}}</time>{{#COMMENTS}} · <a class="comments-link" href="{{URL}}">{{LABEL}}</a>{{/COMMENTS}}
</div>
</li>
{{/STORY}}{{#FEED_ITEM}}<li class="feed-item">
<time datetime="{{ISO}}">{{WHEN}}</time>
<a class="kicker" href="{{SECTION_URL}}">{{SECTION_NAME}}</a>{{#BREAKING}} <span class="flag">{{T_BREAKING}}</span>{{/BREAKING}}
<a class="headline" href="{{URL}}">{{HEADLINE}}</a>{{#COMMENTS}} <a class="comments-link" href="{{URL}}">{{LABEL}}</a>{{/COMMENTS}}
</li>
{{/FEED_ITEM}}
