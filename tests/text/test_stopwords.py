from synopsis.text.stopwords import english_stop_words


def test_stop_words_match_scikit_learn_without_importing_it() -> None:
    import sys

    words = english_stop_words()
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert words == frozenset(ENGLISH_STOP_WORDS)
    assert {"the", "and", "of"} <= words and "ferry" not in words
    assert "sklearn" in sys.modules  # imported here by the test itself, to compare


def test_reading_the_list_does_not_import_scikit_learn() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from synopsis.text.stopwords import english_stop_words; "
        "english_stop_words.cache_clear(); assert len(english_stop_words()) > 300; "
        "print('sklearn' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
