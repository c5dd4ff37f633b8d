import { prisma } from "~/db/db.server";
import { type ProductCategory } from "~/db/generated/enums";

export const productCategories: ProductCategory[] = ["VEGETABLE", "POULTRY", "EGGS"];

export async function listProductsByCategory() {
  const products = await prisma.product.findMany({
    // The market lists what can be offered; deactivated products stay only on their listings.
    where: { active: true },
    select: {
      id: true,
      slug: true,
      category: true,
      nameKm: true,
      nameEn: true,
      unit: true,
      referencePriceKhr: true,
    },
    orderBy: [{ nameEn: "asc" }],
  });
  return productCategories
    .map((category) => ({ category, products: products.filter((p) => p.category === category) }))
    .filter((group) => group.products.length > 0);
}
