/**
 * A large catalogue object, the kind a product page caches: a few small fields most readers need
 * (name, price, stock) next to a long description, specs and embedded reviews that only the
 * detail page shows.
 */
export function sampleProduct(id: number, reviews = 200): Record<string, unknown> {
  return {
    id,
    name: `Trail running shoe ${id}`,
    priceCents: 12_900 + id,
    inStock: id % 3 !== 0,
    stock: 40 + (id % 17),
    currency: 'EUR',
    description: 'Lightweight shoe with a grippy outsole and a breathable mesh upper. '.repeat(60),
    specs: Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`spec${i}`, `value ${i} of product ${id}`]),
    ),
    images: Array.from({ length: 12 }, (_, i) => `https://cdn.example.com/p/${id}/${i}.jpg`),
    reviews: Array.from({ length: reviews }, (_, i) => ({
      user: `user${i}`,
      stars: 1 + (i % 5),
      text: `Review ${i}: fits well, good grip on wet rock, would buy again.`,
    })),
  };
}

/** What a listing page or a cart needs from it. */
export const LISTING_FIELDS = ['name', 'priceCents', 'stock'] as const;
