from invoice import total


def test_sum_without_discount():
    assert total([(2, 5.0), (1, 2.5)]) == 12.5
