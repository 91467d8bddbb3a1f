{{%AUTOESCAPE context="HTML"}}<!doctype html>
<html lang="{{LANG}}" data-edition="{{EDITION_CODE}}" data-t-close="{{T_CLOSE}}" data-t-open-full="{{T_OPEN_FULL}}" data-t-breaking="{{T_BREAKING_NOW}}" data-t-delete="{{T_CHAT_DELETE}}" data-t-ban="{{T_CHAT_BAN}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<meta name="description" content="{{DESCRIPTION}}">
{{#NOINDEX}}<meta name="robots" content="noindex">
{{/NOINDEX}}<link rel="canonical" href="{{CANONICAL}}">
{{#ALT}}<link rel="alternate" hreflang="{{HREFLANG}}" href="{{HREF}}">
{{/ALT}}{{#RSS}}<link rel="alternate" type="application/rss+xml" title="{{RSS_TITLE}}" href="{{RSS_URL}}">
{{/RSS}}<meta property="og:site_name" content="{{SITE_NAME}}">
<meta property="og:type" content="{{OG_TYPE}}">
<meta property="og:title" content="{{TITLE}}">
<meta property="og:description" content="{{DESCRIPTION}}">
<meta property="og:url" content="{{CANONICAL}}">
<meta property="og:locale" content="{{OG_LOCALE}}">
{{#OG_IMAGE}}<meta property="og:image" content="{{OG_IMAGE_URL}}">
<meta name="twitter:image" content="{{OG_IMAGE_URL}}">
{{/OG_IMAGE}}<meta name="twitter:card" content="{{TWITTER_CARD}}">
<meta name="twitter:title" content="{{TITLE}}">
<meta name="twitter:description" content="{{DESCRIPTION}}">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="{{FAVICON_URL}}" type="image/svg+xml">
<link rel="stylesheet" href="{{CSS_URL}}">
<script src="{{JS_URL}}" defer></script>
<script src="{{LIVE_JS_URL}}" defer></script>
{{#SCRIPT}}<script src="{{URL}}" defer></script>
{{/SCRIPT}}
{{#JSONLD}}<script type="application/ld+json">{{JSONLD_DATA:none}}</script>
{{/JSONLD}}</head>
<body>
{{MASTHEAD:none}}<main id="main" class="wrap">
{{CONTENT:none}}
</main>
{{FOOTER:none}}</body>
</html>
