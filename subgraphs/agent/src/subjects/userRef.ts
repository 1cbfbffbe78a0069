/** A plattform User referenced by id (plattform resolves its fields). */
export interface UserRef {
  id: string;
}
