"""The words every renderer shares (Slack, Discord, the terminal), written once. Pure.

What a user reads should not depend on where they read it, so the sentences more than one
renderer uses live here, one module a kind: ``text`` (cleaning untrusted text), ``durations``
(how long, how long ago), ``labels`` (headline, statuses, notices, history squares),
``signals`` (early warnings, clients' and community reports) and ``answers`` (headings and
settings lines). Renderers add their own markup (bold, timestamps, colours) and escape for
their platform; the words and the cleaning come from here.

Everything here is plain text in, plain text out: values from the feed go in raw (cleaned
here), and each renderer escapes the sentence it gets back. Keys are the string values of the
core's enums, so these modules import nothing of the core and any module may use them.
"""
