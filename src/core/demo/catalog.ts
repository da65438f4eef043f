/**
 * The demo salon's fixed catalogue: branches, staff and the price list. Prices are the
 * current ones (as of the demo's end day); the generator derives the previous year's.
 */

export const SALON_NAME = 'Салон красоты «Лотос»';

export const BRANCHES = ['Лотос на Тверской', 'Лотос в Сокольниках'] as const;
export type BranchName = (typeof BRANCHES)[number];

export const CATEGORIES = [
  'Маникюр',
  'Педикюр',
  'Стрижка',
  'Окрашивание',
  'Косметология',
  'Массаж',
  'Брови и ресницы',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Typical days between two visits for the category's main service. */
export const CATEGORY_CYCLE_DAYS: Readonly<Record<Category, number>> = {
  Маникюр: 21,
  Педикюр: 30,
  Стрижка: 35,
  Окрашивание: 60,
  Косметология: 30,
  Массаж: 14,
  'Брови и ресницы': 28,
};

export type StaffRole = 'master' | 'manager' | 'admin';

export interface CatalogStaff {
  name: string;
  branch: BranchName;
  role: StaffRole;
  /** Categories a master works in (empty for managers and admins). */
  categories: readonly Category[];
}

const [TVERSKAYA, SOKOLNIKI] = BRANCHES;

/** Every category is covered by at least one master in each branch. */
export const STAFF: readonly CatalogStaff[] = [
  { name: 'Анна Смирнова', branch: TVERSKAYA, role: 'master', categories: ['Маникюр', 'Педикюр'] },
  {
    name: 'Екатерина Волкова',
    branch: TVERSKAYA,
    role: 'master',
    categories: ['Маникюр', 'Брови и ресницы'],
  },
  { name: 'Ольга Кузнецова', branch: TVERSKAYA, role: 'master', categories: ['Стрижка', 'Окрашивание'] },
  {
    name: 'Марина Лебедева',
    branch: TVERSKAYA,
    role: 'master',
    categories: ['Косметология', 'Брови и ресницы'],
  },
  { name: 'Дмитрий Орлов', branch: TVERSKAYA, role: 'master', categories: ['Массаж'] },
  { name: 'Татьяна Морозова', branch: SOKOLNIKI, role: 'master', categories: ['Маникюр', 'Педикюр'] },
  { name: 'Юлия Новикова', branch: SOKOLNIKI, role: 'master', categories: ['Маникюр', 'Брови и ресницы'] },
  { name: 'Светлана Павлова', branch: SOKOLNIKI, role: 'master', categories: ['Стрижка', 'Окрашивание'] },
  { name: 'Игорь Соколов', branch: SOKOLNIKI, role: 'master', categories: ['Стрижка'] },
  { name: 'Наталья Егорова', branch: SOKOLNIKI, role: 'master', categories: ['Косметология', 'Массаж'] },
  { name: 'Ирина Белова', branch: TVERSKAYA, role: 'manager', categories: [] },
  { name: 'Елена Фролова', branch: TVERSKAYA, role: 'manager', categories: [] },
  { name: 'Алексей Громов', branch: SOKOLNIKI, role: 'manager', categories: [] },
  { name: 'Ксения Зайцева', branch: TVERSKAYA, role: 'admin', categories: [] },
  { name: 'Дарья Тихонова', branch: SOKOLNIKI, role: 'admin', categories: [] },
];

export interface CatalogService {
  name: string;
  category: Category;
  /** Current price in kopecks. */
  priceCents: number;
  cycleDays: number;
  /** An add-on sold with a main service of its category (nail art, styling), never alone. */
  addOn: boolean;
  /** Who books it as the main service. */
  gender: 'any' | 'female' | 'male';
  /** Relative popularity among the category's main services; `premiumWeight` for big spenders. */
  weight: number;
  premiumWeight: number;
}

const rub = (roubles: number): number => roubles * 100;

function service(
  name: string,
  category: Category,
  roubles: number,
  cycleDays: number,
  weight: number,
  premiumWeight: number,
  extra: { addOn?: boolean; gender?: 'any' | 'female' | 'male' } = {},
): CatalogService {
  return {
    name,
    category,
    priceCents: rub(roubles),
    cycleDays,
    addOn: extra.addOn ?? false,
    gender: extra.gender ?? 'any',
    weight,
    premiumWeight,
  };
}

export const SERVICES: readonly CatalogService[] = [
  service('Маникюр с покрытием гель-лак', 'Маникюр', 2200, 21, 70, 45, { gender: 'female' }),
  service('Маникюр без покрытия', 'Маникюр', 1300, 21, 20, 5),
  service('Наращивание ногтей', 'Маникюр', 3900, 21, 10, 50, { gender: 'female' }),
  service('Дизайн ногтей (1 ноготь)', 'Маникюр', 150, 21, 0, 0, { addOn: true }),
  service('Педикюр с покрытием гель-лак', 'Педикюр', 2900, 30, 60, 80),
  service('Аппаратный педикюр', 'Педикюр', 2300, 30, 40, 20),
  service('Женская стрижка', 'Стрижка', 2500, 35, 1, 1, { gender: 'female' }),
  service('Мужская стрижка', 'Стрижка', 1500, 28, 1, 1, { gender: 'male' }),
  service('Укладка', 'Стрижка', 1800, 35, 0, 0, { addOn: true }),
  service('Окрашивание в один тон', 'Окрашивание', 4800, 60, 50, 15, { gender: 'female' }),
  service('Сложное окрашивание (airtouch, шатуш)', 'Окрашивание', 9500, 75, 20, 65, { gender: 'female' }),
  service('Тонирование', 'Окрашивание', 3200, 45, 30, 20),
  service('Чистка лица', 'Косметология', 3600, 30, 40, 20),
  service('Пилинг', 'Косметология', 2900, 30, 30, 20),
  service('SPA-уход за лицом', 'Косметология', 4500, 30, 30, 60),
  service('Массаж спины', 'Массаж', 2000, 14, 45, 20),
  service('Общий массаж', 'Массаж', 3500, 14, 35, 50),
  service('Антицеллюлитный массаж', 'Массаж', 2800, 14, 20, 30, { gender: 'female' }),
  service('Коррекция и окрашивание бровей', 'Брови и ресницы', 1200, 28, 50, 30),
  service('Наращивание ресниц', 'Брови и ресницы', 2900, 21, 30, 50, { gender: 'female' }),
  service('Ламинирование ресниц', 'Брови и ресницы', 2500, 42, 20, 20, { gender: 'female' }),
];
