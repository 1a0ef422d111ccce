"""Text: turning what a reader produced into clean, segmented, dated text.

- :mod:`.clean`: removes boilerplate and keeps an audit of every removal;
- :mod:`.quality`: flags wording problems (doubled paragraphs, spinner and
  machine-translation artefacts, run-together words) with their evidence;
- :mod:`.segment`: paragraphs and sentences with their offsets;
- :mod:`.language`: the language of each article;
- :mod:`.timestamps`: time stamps pages print, read into dates;
- :mod:`.stopwords`: the stop-word lists the term features leave out.
"""
