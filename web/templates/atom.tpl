{{%AUTOESCAPE context="XML"}}<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{LANG}}">
<title>{{TITLE}}</title>
<subtitle>{{DESCRIPTION}}</subtitle>
<id>{{LINK}}</id>
<link rel="alternate" type="text/html" href="{{LINK}}"/>
<link rel="self" type="application/atom+xml" href="{{SELF}}"/>
<updated>{{UPDATED}}</updated>
{{#ITEM}}<entry>
<title>{{TITLE}}</title>
<id>{{ID}}</id>
<link rel="alternate" type="text/html" href="{{LINK}}"/>
<published>{{PUBLISHED}}</published>
<updated>{{UPDATED}}</updated>
<summary>{{SUMMARY}}</summary>
<category term="{{SECTION}}"/>
{{#AUTHOR}}<author><name>{{NAME}}</name></author>
{{/AUTHOR}}{{#IMAGE}}<link rel="enclosure" type="image/jpeg" href="{{URL}}"/>
{{/IMAGE}}</entry>
{{/ITEM}}</feed>
