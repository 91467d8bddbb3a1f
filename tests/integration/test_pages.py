"""The reader's pages through the real server: home, section, article, newsfeed, tag, author, errors."""
import html as htmlmod
import json
import re
import unittest

from harness import ServerTest


def jsonld(page):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(b) for b in blocks]


class PagesTest(ServerTest):
    def test_root_redirects_to_the_default_edition(self):
        r = self.get("/")
        self.assertEqual(r.status, 302)
        self.assertEqual(r.header("location"), "/en/")

    def test_home_has_top_story_sections_and_newsfeed(self):
        r = self.get("/en/")
        self.assertEqual(r.status, 200)
        page = r.text
        self.assertIn('class="top-story"', page)
        self.assertIn("Herald International", page)
        for section in ("World", "Russia", "Defense", "Politics", "Economy", "Science"):
            self.assertIn(f">{section}</a>", page)
        self.assertIn('class="newsfeed-column"', page)
        self.assertIn('hreflang="ru" href="http://127.0.0.1:', page)
        self.assertIn('property="og:title"', page)
        self.assertEqual(jsonld(page)[0]["@type"], "WebSite")

    def test_russian_edition_speaks_russian(self):
        page = self.get("/ru/").text
        self.assertIn('<html lang="ru" ', page)
        self.assertIn("Лента новостей", page)
        self.assertIn("Подписаться", page)
        self.assertIn(">Мир</a>", page)

    def test_section_page_lists_newest_first_and_pages_with_a_cursor(self):
        r = self.get("/en/world/")
        self.assertEqual(r.status, 200)
        page = r.text
        self.assertIn("<h1>World</h1>", page)
        self.assertIn("Diplomacy, conflicts and the news from every continent.", page)
        self.assertRegex(page, r'<span class="count">\d+ stories</span>')
        ru = self.get("/ru/mir/").text
        self.assertRegex(ru, r'<span class="count">\d+ (материал|материала|материалов)</span>')
        times = re.findall(r'<time datetime="([^"]+)">', page)
        self.assertEqual(times, sorted(times, reverse=True))
        items = re.findall(r'<h3><a href="([^"]+)"', page)
        self.assertEqual(len(items), 20)
        more = re.search(r'<a class="button more" href="([^"]+)"', page)
        self.assertIsNotNone(more, "a real next-page link for readers without JS")
        nxt = self.get(htmlmod.unescape(more.group(1)))
        self.assertEqual(nxt.status, 200)
        items2 = re.findall(r'<h3><a href="([^"]+)"', nxt.text)
        self.assertTrue(items2)
        self.assertFalse(set(items) & set(items2), "pages overlap")
        self.assertIn('name="robots" content="noindex"', nxt.text)
        # The fragment the "Show more" button loads holds only the list items and the next link.
        frag = self.get(htmlmod.unescape(more.group(1)) + "&fragment=1")
        self.assertEqual(frag.status, 200)
        self.assertTrue(frag.text.startswith("<div data-fragment>"))
        self.assertNotIn("<html", frag.text)
        self.assertEqual(re.findall(r'<h3><a href="([^"]+)"', frag.text), items2)

    def test_a_damaged_cursor_is_a_400_in_the_sites_style(self):
        r = self.get("/en/world/?before=abc")
        self.assertEqual(r.status, 400)
        self.assertIn("Herald International", r.text)
        self.assertIn("This page link is damaged", r.text)

    def test_article_page_shows_photo_caption_credit_and_caption_line(self):
        path = self.first_article_path(with_photo=True)
        r = self.get(path)
        self.assertEqual(r.status, 200)
        page = r.text
        self.assertRegex(page, r"<h1>[^<]+</h1>")
        self.assertIn('class="kicker"', page)
        fig = re.search(r'<figure class="lead-photo">(.*?)</figure>', page, re.S).group(1)
        self.assertRegex(fig, r'<img src="/media/[^"]+" srcset="[^"]+320w, [^"]+" sizes="[^"]+" width="1600" height="900" alt="[^"]+"')
        self.assertIn('type="image/webp"', fig)
        self.assertRegex(fig, r'<span class="caption">[^<]+</span>')
        self.assertRegex(fig, r'<span class="credit">© Herald Photo / [^<]+</span>')
        self.assertRegex(fig, r'<span class="caption-line">Herald International, \d\d\.\d\d\.\d{4}</span>')
        self.assertIn('<div class="story-body">', page)
        self.assertIn("<h2>", page)  # subheadings
        self.assertIn('class="dateline"', page)
        self.assertIn('class="button subscribe"', page)
        self.assertIn('rel="tag"', page)
        self.assertIn('rel="author"', page)

    def test_article_json_ld_is_a_news_article(self):
        path = self.first_article_path(with_photo=True)
        page = self.get(path).text
        ld = [x for x in jsonld(page) if x.get("@type") == "NewsArticle"][0]
        headline = htmlmod.unescape(re.search(r"<h1>([^<]+)</h1>", page).group(1))
        self.assertEqual(ld["headline"], headline)
        self.assertTrue(ld["image"][0].startswith("http://127.0.0.1:"))
        self.assertRegex(ld["datePublished"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertIn("dateModified", ld)
        self.assertEqual(ld["author"][0]["@type"], "Person")
        self.assertEqual(ld["publisher"]["name"], "Herald International")
        self.assertIn(f'<link rel="canonical" href="{self.server.base}{path}">', page)

    def test_story_and_translation_link_each_other(self):
        path = self.first_article_path("en")
        page = self.get(path).text
        ru = re.search(r'<link rel="alternate" hreflang="ru" href="http://[^/]+(/ru/[^"]+)">', page)
        self.assertIsNotNone(ru)
        ru_page = self.get(ru.group(1)).text
        self.assertIn(f'hreflang="en" href="{self.server.base}{path}"', ru_page)
        self.assertIn('<html lang="ru" ', ru_page)

    def test_stale_slug_and_wrong_section_redirect_to_the_canonical_address(self):
        path = self.first_article_path()
        edition, section, ref = path.split("/")[1:4]
        story_id = ref.split("-")[0]
        for wrong in (f"/en/{section}/{story_id}-an-old-headline", f"/en/science/{story_id}-x", f"/en/{section}/{story_id}"):
            if wrong == path:
                continue
            r = self.get(wrong)
            self.assertEqual(r.status, 301, wrong)
            self.assertEqual(r.header("location"), path)

    def test_unknown_pages_are_404_in_the_sites_style(self):
        for p in ("/en/no-such-section/", "/en/world/999999-nothing", "/xx/", "/en/tag/nope/", "/en/author/nobody/"):
            r = self.get(p)
            self.assertEqual(r.status, 404, p)
            self.assertIn("Page not found", r.text, p)
            self.assertIn('class="masthead"', r.text)
        r = self.get("/ru/nichego/")
        self.assertEqual(r.status, 404)
        self.assertIn("Страница не найдена", r.text)

    def test_a_section_address_without_slash_redirects(self):
        r = self.get("/en/world")
        self.assertEqual(r.status, 301)
        self.assertEqual(r.header("location"), "/en/world/")

    def test_newsfeed_tag_and_author_pages(self):
        feed = self.get("/en/newsfeed/")
        self.assertEqual(feed.status, 200)
        self.assertEqual(len(re.findall(r'class="feed-item"', feed.text)), 20)
        tag = re.search(r'href="(/en/tag/[a-z0-9-]+/)" rel="tag"', self.get(self.first_article_path()).text).group(1)
        t = self.get(tag)
        self.assertEqual(t.status, 200)
        self.assertIn('class="story-list tag"', t.text)
        author = re.search(r'href="(/en/author/[a-z0-9-]+/)" rel="author"', self.get(self.first_article_path()).text).group(1)
        a = self.get(author)
        self.assertEqual(a.status, 200)
        self.assertIn('class="story-list author"', a.text)

    def test_images_carry_dimensions_to_avoid_layout_shift(self):
        page = self.get("/en/").text
        for img in re.findall(r"<img [^>]+>", page):
            self.assertRegex(img, r'width="\d+" height="\d+"', img)

    def test_media_and_static_files(self):
        page = self.get("/en/").text
        css = re.search(r'href="(/static/site\.[0-9a-f]{8}\.css)"', page).group(1)
        r = self.get(css)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("cache-control"), "public, max-age=31536000, immutable")
        self.assertTrue(r.header("content-type").startswith("text/css"))
        img = re.search(r'src="(/media/[^"]+\.jpg)"', page).group(1)
        m = self.get(img)
        self.assertEqual(m.status, 200)
        self.assertEqual(m.header("content-type"), "image/jpeg")
        self.assertEqual(m.header("x-content-type-options"), "nosniff")
        self.assertEqual(m.body[:3], b"\xff\xd8\xff")
        for bad in ("/media/../herald.db", "/media/%2e%2e/herald.db", "/media/.hidden", "/media/x/../../herald.db"):
            self.assertEqual(self.get(bad).status, 404, bad)
        self.assertEqual(self.get("/static/site.css").status, 404)

    def test_healthz(self):
        r = self.get("/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(json.loads(r.body), {"status": "ok"})

    def test_robots_and_sitemaps(self):
        import xml.etree.ElementTree as ET
        robots = self.get("/robots.txt")
        self.assertIn(f"Sitemap: {self.server.base}/sitemap.xml", robots.text)
        index = ET.fromstring(self.get("/sitemap.xml").body)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
        locs = [e.text for e in index.findall("s:sitemap/s:loc", ns)]
        self.assertIn(f"{self.server.base}/sitemaps/news.xml", locs)
        self.assertIn(f"{self.server.base}/sitemaps/articles-1.xml", locs)
        arts = ET.fromstring(self.get("/sitemaps/articles-1.xml").body)
        self.assertEqual(len(arts.findall("s:url", ns)), 300)
        news = ET.fromstring(self.get("/sitemaps/news.xml").body)
        self.assertTrue(news.findall("s:url/n:news/n:title", ns))
        pages = ET.fromstring(self.get("/sitemaps/ru-pages.xml").body)
        self.assertIn(f"{self.server.base}/ru/mir/", [e.text for e in pages.findall("s:url/s:loc", ns)])
        self.assertEqual(self.get("/sitemaps/articles-x.xml").status, 404)


if __name__ == "__main__":
    unittest.main()
