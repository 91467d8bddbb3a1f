{{%AUTOESCAPE context="XML"}}<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{{#NEWS_NS}} xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"{{/NEWS_NS}}>
{{#URL}}<url><loc>{{LOC}}</loc>{{#LASTMOD}}<lastmod>{{DATE}}</lastmod>{{/LASTMOD}}{{#NEWS}}<news:news><news:publication><news:name>{{NAME}}</news:name><news:language>{{LANG}}</news:language></news:publication><news:publication_date>{{DATE}}</news:publication_date><news:title>{{TITLE}}</news:title></news:news>{{/NEWS}}</url>
{{/URL}}</urlset>
