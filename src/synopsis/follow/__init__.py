"""Following feeds: poll them, fetch only what is new, keep the archive's stories current.

::

    from synopsis import Archive
    from synopsis.follow import Follower

    with Archive.open("news.db") as archive:
        follower = Follower(archive)
        follower.follow(["https://example.org/rss.xml"])
        run = follower.poll()          # one poll of the feeds that are due
        follower.run(on_poll=print)    # poll until stopped

:mod:`.follower` polls; :mod:`.schedule` reads intervals ("15m") and feed
lists (one URL a line, ``#`` comments).
"""

from __future__ import annotations

from .follower import FeedPoll, Follower, PollRun
from .schedule import parse_interval, read_feed_list

__all__ = ["FeedPoll", "Follower", "PollRun", "parse_interval", "read_feed_list"]
