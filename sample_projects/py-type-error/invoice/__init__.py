from invoice.format import format_total, format_vat
