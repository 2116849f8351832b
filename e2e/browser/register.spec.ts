import { registerCustomer, uniqueKey } from '../src/retail.ts';
import { checkOut, expect, test } from './fixtures.ts';

test.describe('a new customer', () => {
  test('creates an account from the sign-in page, is signed in, and orders', async ({ page, shop }) => {
    const sku = await shop.productWithStock('E2E-NEWBIE', 5, 2500);
    const email = `${uniqueKey('newbie')}@example.org`;

    await page.goto(`/product/${sku}`);
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Create account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Create account' })).toBeVisible();

    await page.getByLabel('Name').fill('Nora Newbie');
    await page.getByLabel('Email').fill(email.toUpperCase());
    // Long enough for the browser, too weak for the shop: the reason is shown at the field.
    await page.getByLabel('Password').fill('aaaaaaaaaaaa');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Use more than three different characters.')).toBeVisible();

    await page.getByLabel('Password').fill('green-teapot-71');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Back where the person was, signed in under the e-mail as the shop keeps it.
    await expect(page.getByText(`Signed in as ${email}.`)).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`/product/${sku}$`));
    await expect(page.getByRole('navigation').getByText(email)).toBeVisible();

    await page.getByRole('button', { name: 'Add to cart' }).click();
    const orderId = await checkOut(page);
    await expect(page.getByRole('status', { name: 'Order status' })).toContainText('Confirmed');
    await page.getByRole('link', { name: 'My orders', exact: true }).click();
    await expect(page.getByRole('row', { name: new RegExp(`Order ${orderId}`) })).toContainText('Confirmed');

    // The account is the person's own: signed out and in again with the new password, the order is still theirs.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/signin?next=/orders');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('green-teapot-71');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('row', { name: new RegExp(`Order ${orderId}`) })).toBeVisible();
  });

  test('is told at the email field when the address has an account already', async ({ page, api }) => {
    const existing = await registerCustomer(api, 'Early Bird');
    await page.goto('/register');
    await page.getByLabel('Name').fill('Late Comer');
    await page.getByLabel('Email').fill(existing.email);
    await page.getByLabel('Password').fill('another-teapot-72');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('An account with this e-mail address exists already.')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
  });
});
