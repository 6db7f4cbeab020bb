require "minitest/autorun"
require "word_count"

class WordCountTest < Minitest::Test
  def test_size
    assert_equal 4, WordCount.new("a b, a c").size
  end

  def test_top
    assert_equal %w[a b], WordCount.new("a b a c b a").top(2)
  end

  def test_top_ignores_case
    assert_equal ["the"], WordCount.new("The cat saw the dog").top(1)
  end
end
