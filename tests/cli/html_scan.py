# SPDX-License-Identifier: GPL-2.0-or-later
# What in an HTML file's markup would load or run anything: elements that
# load or run, attributes that name a resource or a handler, url() and
# @import in its CSS.  Prints one line per finding; nothing when clean.
# Escaped text (a title's "src=http://...") is text, not markup.
import re
import sys
from html.parser import HTMLParser

LOADERS = {"script", "link", "img", "iframe", "object", "embed", "image", "use", "video",
           "audio", "source", "track", "base", "form", "frame", "frameset", "portal", "applet"}
RESOURCE_ATTRS = {"src", "href", "xlink:href", "srcset", "poster", "data", "action",
                  "formaction", "background", "ping", "codebase", "manifest"}
URLISH = re.compile(r"url\s*\(|@import|https?:|^\s*//", re.I)


class Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in LOADERS:
            self.bad.append("element <%s>" % tag)
        for k, v in attrs:
            v = v or ""
            if k in RESOURCE_ATTRS or k.startswith("on"):
                self.bad.append("attribute %s=%r on <%s>" % (k, v, tag))
            elif k != "content" and URLISH.search(v):
                self.bad.append("attribute %s=%r on <%s>" % (k, v, tag))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, data):
        if self.in_style and URLISH.search(data):
            self.bad.append("css: %s" % URLISH.search(data).group(0))


s = Scan()
s.feed(open(sys.argv[1], encoding="utf-8").read())
s.close()
print("\n".join(s.bad))
