{{%AUTOESCAPE context="XML"}}<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">
<channel>
<title>{{TITLE}}</title>
<link>{{LINK}}</link>
<description>{{DESCRIPTION}}</description>
<language>{{LANG}}</language>
<lastBuildDate>{{BUILD_DATE}}</lastBuildDate>
<atom:link href="{{SELF}}" rel="self" type="application/rss+xml"/>
{{#ITEM}}<item>
<title>{{TITLE}}</title>
<link>{{LINK}}</link>
<guid isPermaLink="true">{{LINK}}</guid>
<description>{{SUMMARY}}</description>
<pubDate>{{PUB_DATE}}</pubDate>
<category>{{SECTION}}</category>
{{#AUTHOR}}<dc:creator>{{NAME}}</dc:creator>
{{/AUTHOR}}{{#IMAGE}}<media:content url="{{URL}}" medium="image" type="image/jpeg" width="{{W}}" height="{{H}}"><media:description>{{CAPTION}}</media:description><media:credit>{{CREDIT}}</media:credit></media:content>
{{/IMAGE}}</item>
{{/ITEM}}</channel>
</rss>
