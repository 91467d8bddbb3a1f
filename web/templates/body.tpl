{{%AUTOESCAPE context="HTML"}}{{#BLOCK}}{{#P}}<p>{{#DATELINE}}<span class="dateline">{{TEXT}} — </span>{{/DATELINE}}{{TEXT}}{{RICH:none}}</p>
{{/P}}{{#H2}}<h2>{{TEXT}}</h2>
{{/H2}}{{#QUOTE}}<blockquote><p>{{TEXT}}{{RICH:none}}</p>{{#CITE}}<footer>— <cite>{{NAME}}</cite></footer>{{/CITE}}</blockquote>
{{/QUOTE}}{{#UL}}<ul>{{#ITEM}}<li>{{TEXT}}</li>{{/ITEM}}</ul>
{{/UL}}{{#OL}}<ol>{{#ITEM}}<li>{{TEXT}}</li>{{/ITEM}}</ol>
{{/OL}}{{#IMAGE}}<figure class="inline-photo">
<picture>{{#WEBP}}<source type="image/webp" srcset="{{SRCSET}}" sizes="{{SIZES}}">{{/WEBP}}<img src="{{SRC}}" srcset="{{SRCSET_JPEG}}" sizes="{{SIZES}}" width="{{W}}" height="{{H}}" alt="{{ALT}}" loading="{{LOADING}}" decoding="async"></picture>
<figcaption><span class="caption">{{CAPTION}}</span> <span class="credit">{{CREDIT}}</span></figcaption>
</figure>
{{/IMAGE}}{{#EMBED}}<p class="embed"><a href="{{URL}}" rel="nofollow noopener" target="_blank">{{TITLE}}</a> <span class="host">{{HOST}}</span></p>
{{/EMBED}}{{/BLOCK}}