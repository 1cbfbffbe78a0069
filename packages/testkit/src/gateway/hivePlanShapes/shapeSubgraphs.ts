import { GraphQLError } from 'graphql';
import type { SubgraphDefinition } from '../federationBehaviours/behaviourSubgraphs';

interface Person {
  readonly id: string;
  readonly name: string;
  readonly friendId: string;
}

const PEOPLE: Record<string, Person> = {
  p1: { id: 'p1', name: 'Ada', friendId: 'p2' },
  p2: { id: 'p2', name: 'Grace', friendId: 'p3' },
  // Withholds its name: a field error at the path of the entity that reached it.
  p3: { id: 'p3', name: 'Barbara', friendId: 'p1' },
};

const BOOKS = [
  { __typename: 'Book', id: 'b1', title: 'Notes', authorId: 'p1', pages: 120 },
  { __typename: 'Book', id: 'b2', title: 'Compilers', authorId: 'p2', pages: 300 },
];
const MOVIES = [
  { __typename: 'Movie', id: 'm1', title: 'Loops', directorId: 'p2' },
  { __typename: 'Movie', id: 'm2', title: 'Stacks', directorId: 'p3' },
];

const person = (id: string) => ({ __typename: 'Person', id });

/**
 * Shapes of plans Hive's planner emits that its conversion must cover: `catalog` owns a union
 * feed of books and movies whose author / director (a Person) `people` resolves (entity fetches
 * behind type conditions, batched with client variables: `name(style:)`, `pages(unit:)`);
 * `badges` adds a field to Person, reached through `people`'s `friend` and `mentor`, which makes
 * the planner name the repeated Person selection as a fragment in `people`'s fetch.
 */
export const PLAN_SHAPE_SUBGRAPHS: Record<string, SubgraphDefinition> = {
  catalog: {
    typeDefs: `
      type Query { feed: [Item!]! books: [Book!]! movies: [Movie!]! }
      union Item = Book | Movie
      type Book @key(fields: "id") { id: ID! title: String! author: Person }
      type Movie @key(fields: "id") { id: ID! title: String! director: Person }
      type Person @key(fields: "id") { id: ID! }
    `,
    resolvers: {
      Query: { feed: () => [BOOKS[0], MOVIES[0], BOOKS[1], MOVIES[1]], books: () => BOOKS, movies: () => MOVIES },
      Item: { __resolveType: (item: { __typename: string }) => item.__typename },
      Book: { __resolveReference: ({ id }: { id: string }) => BOOKS.find((book) => book.id === id), author: (book: { authorId: string }) => person(book.authorId) },
      Movie: { __resolveReference: ({ id }: { id: string }) => MOVIES.find((movie) => movie.id === id), director: (movie: { directorId: string }) => person(movie.directorId) },
    },
  },
  people: {
    typeDefs: `
      type Person @key(fields: "id") { id: ID! name(style: String): String friend: Person mentor: Person }
      type Book @key(fields: "id") { id: ID! pages(unit: String): Int }
    `,
    resolvers: {
      Person: {
        __resolveReference: ({ id }: { id: string }) => PEOPLE[id] ?? null,
        name: ({ id, name }: Person, { style }: { style?: string | null }) => {
          if (id === 'p3') throw new GraphQLError('name withheld', { extensions: { code: 'FORBIDDEN' } });
          return style === 'upper' ? name.toUpperCase() : name;
        },
        friend: ({ friendId }: Person) => person(friendId),
        mentor: () => person('p1'),
      },
      Book: {
        __resolveReference: ({ id }: { id: string }) => BOOKS.find((book) => book.id === id),
        pages: ({ pages }: { pages: number }, { unit }: { unit?: string | null }) => (unit === 'hundreds' ? Math.round(pages / 100) : pages),
      },
    },
  },
  badges: {
    typeDefs: `
      type Person @key(fields: "id") { id: ID! badge: String! }
    `,
    resolvers: {
      Person: { __resolveReference: ({ id }: { id: string }) => ({ id }), badge: ({ id }: { id: string }) => `badge-${id}` },
    },
  },
};
