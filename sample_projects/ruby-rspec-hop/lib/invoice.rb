require_relative "invoice/line"

# An invoice: lines of goods, each priced by Invoice::Line.
class Invoice
  def initialize
    @lines = []
  end

  def add(quantity, unit_price)
    @lines << Line.new(quantity, unit_price)
    self
  end

  def total
    @lines.sum(&:amount)
  end
end
