from invoice import total


def test_sum_without_discount():
    assert total([(2, 5.0), (1, 2.5)]) == 12.5


def test_discount_is_a_percentage():
    assert total([(4, 25.0)], discount=10) == 90.0
    assert total([(3, 3.33)], discount=15) == 8.49
