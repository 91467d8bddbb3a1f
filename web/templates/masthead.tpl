{{%AUTOESCAPE context="HTML"}}<a class="skip" href="#main">{{T_SKIP}}</a>
<header class="masthead">
  <div class="wrap masthead-top">
    <a class="logo" href="{{HOME_URL}}">{{SITE_NAME}}</a>
    <p class="tagline">{{TAGLINE}}</p>
    <nav class="tools" aria-label="{{T_TOOLS}}">
      <a class="newsfeed-link" href="{{NEWSFEED_URL}}" data-newsfeed-link>{{T_NEWSFEED}}<span class="nf-count" data-newsfeed-count hidden></span></a>
      <a class="chats-link" href="{{CHATS_URL}}">{{T_CHATS}}</a>
      <a class="button subscribe" href="{{SUBSCRIBE_URL}}">{{T_SUBSCRIBE}}</a>
      <a class="account-link" href="/account/login" data-account-link>{{T_LOGIN}}</a>
      <details class="editions">
        <summary>{{EDITION_NAME}}</summary>
        <ul>{{#EDITION}}<li><a href="{{URL}}" hreflang="{{LANG}}" lang="{{LANG}}"{{#CURRENT}} aria-current="true"{{/CURRENT}}>{{NAME}}</a></li>{{/EDITION}}</ul>
      </details>
    </nav>
  </div>
  <nav class="sections" aria-label="{{T_SECTIONS}}">
    <ul class="wrap">{{#NAV}}<li><a href="{{URL}}"{{#ACTIVE}} aria-current="page"{{/ACTIVE}}>{{NAME}}</a></li>{{/NAV}}</ul>
  </nav>
</header>
