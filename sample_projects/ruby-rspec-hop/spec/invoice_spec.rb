require "invoice"

RSpec.describe Invoice do
  it "adds up single items" do
    invoice = Invoice.new.add(2, 5).add(1, 3)
    expect(invoice.total).to eq(13)
  end

  it "applies the bulk discount from ten items" do
    invoice = Invoice.new.add(10, 2)
    expect(invoice.total).to eq(18.0)
  end

  it "keeps small orders at full price" do
    expect(Invoice.new.add(9, 2).total).to eq(18)
  end
end
