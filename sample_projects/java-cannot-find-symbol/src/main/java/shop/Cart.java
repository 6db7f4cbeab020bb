package shop;

/** A shopping cart's arithmetic. */
public final class Cart {
    private Cart() {}

    /** The total of the prices, in cents. */
    public static int total(int[] prices) {
        int subtotal = 0;
        for (int price : prices) {
            subtotal += price;
        }
        return subtota;
    }
}
