from textstats import word_count


def test_counts_plain_words():
    assert word_count("the quick brown fox") == 4


def test_empty_text():
    assert word_count("") == 0


def test_punctuation_only_tokens_are_not_words():
    assert word_count("wait -- what ...") == 2
    assert word_count("don't send e-mail !") == 3
