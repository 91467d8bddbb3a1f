{{%AUTOESCAPE context="HTML"}}<footer class="site-footer">
  <div class="wrap">
    <p><a href="{{HOME_URL}}">{{SITE_NAME}}</a> · <a href="{{NEWSFEED_URL}}">{{T_NEWSFEED}}</a> · <a href="{{SUBSCRIBE_URL}}">{{T_FEEDS}}</a></p>
    <p class="small">© {{YEAR}} {{SITE_NAME}}. {{T_RIGHTS}}</p>
  </div>
</footer>
