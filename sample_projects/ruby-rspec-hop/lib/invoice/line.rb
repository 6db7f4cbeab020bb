class Invoice
  # One line of an invoice. Ten items or more get the bulk discount.
  class Line
    BULK_QUANTITY = 10
    BULK_DISCOUNT = 0.1

    attr_reader :quantity, :unit_price

    def initialize(quantity, unit_price)
      @quantity = quantity
      @unit_price = unit_price
    end

    def amount
      gross = quantity * unit_price
      discounted? ? (gross * (1 - BULK_DISCOUNT)).round(2) : gross
    end

    def discounted?
      quantity > BULK_QUANTITY
    end
  end
end
