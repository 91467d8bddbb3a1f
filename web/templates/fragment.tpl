{{%AUTOESCAPE context="HTML"}}<div data-fragment>
<ol>
{{ITEMS:none}}
</ol>
{{#MORE}}<nav class="pager" data-pager><a class="button more" href="{{URL}}" rel="next" data-more>{{T_SHOW_MORE}}</a></nav>{{/MORE}}
</div>
