{{%AUTOESCAPE context="XML"}}<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{{#MAP}}<sitemap><loc>{{LOC}}</loc></sitemap>
{{/MAP}}</sitemapindex>
