from tally import Counter


def test_add():
    assert Counter().add("x").most_common() == [("x", 1)]
