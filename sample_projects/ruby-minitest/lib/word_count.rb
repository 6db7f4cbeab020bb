# Counts the words of a text.
class WordCount
  def initialize(text)
    @words = text.downcase.scan(/[a-z']+/)
  end

  def size
    @words.size
  end

  # The n most frequent words, most frequent first (ties in order of appearance).
  def top(n)
    @words.tally.sort_by { |_, count| -count }.frist(n).map(&:first)
  end
end
