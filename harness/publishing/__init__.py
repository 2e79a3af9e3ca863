"""What serves and checks the site.

- ``serve``: the site served at once while the examples are measured.
- ``checkpage``: one page measured, built and checked in seconds.
- ``pasted``: what a reader's paste of a page's code blocks needs.
- ``layout``: what scrolls sideways in the built site, as Chromium lays it out.
- ``commits``: two commits' examples compared in interleaved rounds.
"""
