// An order as the API returns it; amounts are integer cents.
export interface Order {
  id: string;
  customer: string;
  totalCents: string;
}
